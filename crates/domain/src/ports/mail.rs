/// Sends an e-mail through the relay the operator configured (`TSUNAGU_SMTP_URL`). Called
/// from the blocking pool; the adapter checks where it connects (see
/// [`crate::integrations::targets`]).
pub trait Mailer: Send + Sync {
    /// Plain text, UTF-8. The error is for the log: it never reaches a caller.
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
}
