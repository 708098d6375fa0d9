/** A school's enrolled tablets (R7): list, enrol, revoke. Trust administrators only. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, deviceHeaders, unwrap } from "../../../lib/api";

type DevicesPath = paths["/api/schools/{school_id}/devices"];
export type Device = DevicesPath["get"]["responses"][200]["content"]["application/json"][number];
export type EnrolledDevice = DevicesPath["post"]["responses"][201]["content"]["application/json"];
export type CurrentDevice = paths["/api/devices/current"]["get"]["responses"][200]["content"]["application/json"];

const devicesKey = (schoolId: number) => ["devices", schoolId] as const;

export function useDevices(schoolId: number) {
  return useQuery({
    queryKey: devicesKey(schoolId),
    queryFn: () =>
      unwrap(api.GET("/api/schools/{school_id}/devices", { params: { path: { school_id: schoolId } } })),
  });
}

/**
 * Enrol a tablet. The answer holds its credential, which the server never shows again: it
 * lives only in this mutation's result (never in the list cache) until the screen lets go.
 */
export function useEnrolDevice(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string): Promise<EnrolledDevice> =>
      unwrap(
        api.POST("/api/schools/{school_id}/devices", {
          params: { path: { school_id: schoolId } },
          body: { name },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: devicesKey(schoolId) }),
  });
}

export function useRevokeDevice(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deviceId: number) =>
      unwrap(
        api.POST("/api/schools/{school_id}/devices/{device_id}/revoke", {
          params: { path: { school_id: schoolId, device_id: deviceId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: devicesKey(schoolId) }),
  });
}

/** Ask the server whether the credential stored in this browser is a live enrolment (R7). */
export function useCurrentDevice(credential: string | null) {
  return useQuery({
    queryKey: ["devices", "current", credential],
    queryFn: () => unwrap(api.GET("/api/devices/current", { headers: deviceHeaders() })),
    enabled: credential !== null,
    retry: false,
  });
}
