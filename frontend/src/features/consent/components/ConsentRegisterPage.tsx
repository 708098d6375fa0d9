import { ComingSoon } from "../../../components/ComingSoon";

export function ConsentRegisterPage() {
  return (
    <ComingSoon
      title="Consent register"
      what="Here the data manager will look up pupils, staff and other adults and record, renew or withdraw photo consent."
    />
  );
}
