/* Vocabulary of the record formats, shared by ingest, baseline adoption and the parse worker. */

/** Why a line could not become a row. */
export type RejectReason = 'json' | 'not-object' | 'timestamp' | 'required' | 'success' | 'too-long' | 'nul' | 'document' | 'too-deep';

export interface ValueOptions {
  /** IANA zone for timestamps written without one. Default: the machine's zone. */
  tz?: string;
}
