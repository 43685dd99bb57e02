/** The closed vocabularies of docs/records.md, as const objects with derived union types. */

export const RecordType = { Contact: "contact", Session: "session", Visit: "visit" } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];
export const RECORD_TYPES: readonly RecordType[] = Object.values(RecordType);

export const Sex = { Female: "female", Male: "male", Other: "other", Undisclosed: "undisclosed" } as const;
export type Sex = (typeof Sex)[keyof typeof Sex];

export const AgeBand = {
  Under18: "under_18",
  From18To25: "18_25",
  From26To35: "26_35",
  From36To45: "36_45",
  From46To60: "46_60",
  Over60: "over_60",
} as const;
export type AgeBand = (typeof AgeBand)[keyof typeof AgeBand];

export const MigrationStatus = {
  Refugee: "refugee",
  AsylumSeeker: "asylum_seeker",
  Migrant: "migrant",
  Other: "other",
  Undisclosed: "undisclosed",
} as const;
export type MigrationStatus = (typeof MigrationStatus)[keyof typeof MigrationStatus];

export const Education = {
  None: "none",
  Primary: "primary",
  Secondary: "secondary",
  Vocational: "vocational",
  Higher: "higher",
  Undisclosed: "undisclosed",
} as const;
export type Education = (typeof Education)[keyof typeof Education];

export const Interest = {
  VocationalTraining: "vocational_training",
  JobSearch: "job_search",
  SelfEmployment: "self_employment",
  Other: "other",
} as const;
export type Interest = (typeof Interest)[keyof typeof Interest];

export const ConsentScope = { Record: "record", CallBack: "call_back", ShareWithServices: "share_with_services" } as const;
export type ConsentScope = (typeof ConsentScope)[keyof typeof ConsentScope];

/** Journey stages, in the order a person goes through them. */
export const Stage = {
  Contacted: "contacted",
  Informed: "informed",
  Registered: "registered",
  InTraining: "in_training",
  Accompanied: "accompanied",
  Employed: "employed",
  SelfEmployed: "self_employed",
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export const FollowUpKind = { Call: "call", Visit: "visit", Meeting: "meeting", Message: "message", Other: "other" } as const;
export type FollowUpKind = (typeof FollowUpKind)[keyof typeof FollowUpKind];

export const SessionKind = { Information: "information", Accompaniment: "accompaniment", Workshop: "workshop" } as const;
export type SessionKind = (typeof SessionKind)[keyof typeof SessionKind];

export const AttendanceStatus = { Present: "present", Absent: "absent", Excused: "excused" } as const;
export type AttendanceStatus = (typeof AttendanceStatus)[keyof typeof AttendanceStatus];

export function isOneOf<T extends string>(values: Record<string, T>, value: unknown): value is T {
  return typeof value === "string" && (Object.values(values) as string[]).includes(value);
}

/** Languages offered in the contact form (ISO 639-1); others can be typed. */
export const COMMON_LANGUAGES = ["ar", "fr", "en", "ff", "wo", "bm", "ti", "am", "so", "ps", "fa", "uk", "ru", "es", "pt", "tr", "ku", "ber"] as const;

/** Nationalities offered first in the contact form (ISO 3166-1 alpha-2). */
export const COMMON_NATIONALITIES = ["SY", "SD", "AF", "ER", "ML", "GN", "CI", "SN", "CM", "CD", "NG", "MA", "DZ", "TN", "EG", "LY", "SO", "ET", "IQ", "YE", "PS", "UA", "TR", "PK", "BD", "HT", "VE", "CO"] as const;
