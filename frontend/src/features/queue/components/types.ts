/** A school the signed-in leader belongs to (passed in by the app). */
export interface SchoolRef {
  id: number;
  name: string;
}
