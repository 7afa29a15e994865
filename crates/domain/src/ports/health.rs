use super::StoreResult;

pub trait Health {
    /// A cheap round trip, for `/readyz`.
    fn ping(&self) -> StoreResult<()>;

    /// Runs `work` with one database connection held for the calling thread: every store
    /// call `work` makes (the session check, the use case's reads and its write) uses that
    /// one connection, taken from the pool at the first call and given back when `work`
    /// returns. One checkout per request instead of one per statement group.
    fn in_one_connection(&self, work: &mut dyn FnMut());

    /// Gives back the connection [`Health::in_one_connection`] holds, before the thread waits
    /// on something that itself needs a connection (a read waiting for its access event to
    /// commit): otherwise every pooled connection could be held by a waiting request while
    /// the writer they wait for waits for a connection. A later call takes one again.
    fn release_held_connection(&self);

    /// Statements sent to the database by this process so far (for `/metrics`).
    fn statements_sent(&self) -> u64;

    /// Connections this store has taken from its pool so far: one per request, plus the
    /// access log's batches (a test holds the server to that).
    fn connections_taken(&self) -> u64;
}
