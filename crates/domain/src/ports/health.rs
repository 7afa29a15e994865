use super::StoreResult;

pub trait Health {
    /// A cheap round trip, for `/readyz`.
    fn ping(&self) -> StoreResult<()>;
}
