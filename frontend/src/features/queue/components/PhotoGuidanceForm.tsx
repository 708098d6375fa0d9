import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Field } from "../../../components/Field";
import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import { useSetPublishingPolicy, type Publishing } from "../api/queue";

/** The deployment's default long side (settings.PUBLISHED_LONG_SIDE), shown when the school has its own. */
const USUAL_DEFAULT_LONG_SIDE = 1280;
const NOT_A_WHOLE_NUMBER = "Enter a whole number of pixels, or leave it blank for the default.";
const FIELDS = ["published_long_side", "close_up_faces_block"] as const;

/**
 * R21, the 2026 image guidance: a leader sets the long side of the photos the school
 * publishes (blank: the default) and whether a close-up of a pupil's face blocks the post.
 */
export function PhotoGuidanceForm({
  schoolId,
  schoolName,
  policy,
  onDone,
}: {
  schoolId: number;
  schoolName: string;
  policy: Publishing;
  onDone: (message: string) => void;
}) {
  const id = useId();
  const save = useSetPublishingPolicy(schoolId);
  const [longSide, setLongSide] = useState(policy.published_long_side_is_default ? "" : String(policy.published_long_side));
  const [blockCloseUps, setBlockCloseUps] = useState(policy.close_up_faces_block);
  const [notANumber, setNotANumber] = useState(false);
  const errors = errorMessages(save.error, FIELDS);
  const longSideErrors = [...(notANumber ? [NOT_A_WHOLE_NUMBER] : []), ...(errors.fields.published_long_side ?? [])];
  const defaultLongSide = policy.published_long_side_is_default ? policy.published_long_side : USUAL_DEFAULT_LONG_SIDE;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = longSide.trim();
    // Never send a mistyped value as null: that would quietly reset the school to the default.
    if (text !== "" && !/^\d+$/.test(text)) {
      setNotANumber(true);
      return;
    }
    setNotANumber(false);
    save.mutate(
      { published_long_side: text === "" ? null : Number(text), close_up_faces_block: blockCloseUps },
      { onSuccess: () => onDone(`Photo settings saved for ${schoolName}.`) },
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Photos we publish</h3>
      <p className="hint">
        2026 guidance for schools: publish photos at a lower resolution, because close-up, face-on photos of pupils can be misused to make
        fake images.
      </p>
      <ErrorSummary messages={errors.top} />
      <Field
        name={`long-side-${schoolId}`}
        label="Longest side of published photos (pixels)"
        hint={`From 320 to 4096. Leave blank for the default (${defaultLongSide}).`}
        errors={longSideErrors}
        inputMode="numeric"
        placeholder={String(defaultLongSide)}
        value={longSide}
        onChange={(event) => setLongSide(event.target.value)}
      />
      <label className="checkbox">
        <input type="checkbox" checked={blockCloseUps} onChange={(event) => setBlockCloseUps(event.target.checked)} />
        <span>Block close-up photos of pupils (instead of warning staff and the approver)</span>
      </label>
      {errors.fields.close_up_faces_block ? <p className="field-error">{errors.fields.close_up_faces_block.join(" ")}</p> : null}
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        <Icon name="check" /> Save photo settings
      </button>
    </form>
  );
}
