/** The instance executing a conversation's live run, while its lease (renewed on a timer) lasts. */
export interface RunLeasesTable {
  conversation_id: string;
  /** The run executing now (the queue behind it belongs to the same owner). */
  run_id: string;
  /** The owning instance's id. */
  owner: string;
  /** ISO time after which another instance may declare the owner gone. */
  expires_at: string;
}
