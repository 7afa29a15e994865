//! A deadline for the request body. actix-web times out a request whose head arrives too
//! slowly (`client_request_timeout`), but once the head is in, nothing limits how long the
//! body may take: a client declaring `Content-Length: 1000` and sending 9 bytes would hold a
//! connection (and a worker's slot) for ever — slowloris. Here the whole body must arrive
//! within the deadline, counted from when the head was read; after it the body reads as an
//! error, and the answer is 408 `request_timeout` with the connection closed.

use crate::AppState;
use crate::problem::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage as _, ResponseError, web};
use futures_util::Stream;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The body stream, cut off at the deadline.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<actix_web::rt::time::Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<web::Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired.get() {
            return Poll::Ready(None);
        }
        // The deadline first: a client trickling bytes keeps the body ready often enough
        // that checking it only when the body is pending would let the trickle go on.
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.expired.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

fn too_slow(timeout: Duration) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "Request timeout",
    )
    .detail(format!(
        "the request body must arrive within {} ms",
        timeout.as_millis()
    ))
}

pub async fn layer(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.body_timeout)
        .unwrap_or_default();
    if timeout.is_zero() {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let inner = req.take_payload();
    if matches!(inner, Payload::None) {
        req.set_payload(inner);
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let expired = Rc::new(Cell::new(false));
    let stream = Deadline {
        inner,
        sleep: Box::pin(actix_web::rt::time::sleep(timeout)),
        expired: expired.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(stream),
    });
    let res = next.call(req).await?.map_into_boxed_body();
    if !expired.get() {
        return Ok(res);
    }
    // Whatever the handler made of the broken body, the answer is the timeout; the rest of
    // the body may still be coming, so the connection cannot carry another request.
    let mut res = res.into_response(too_slow(timeout).error_response());
    res.response_mut()
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    Ok(res)
}
