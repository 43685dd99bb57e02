//! `POST /api/v1/sync`: one round trip of the sync protocol (docs/protocol.md).

use std::io::Read;
use std::sync::atomic::Ordering;

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use relais_sync::{protocol, service};

use crate::api_error::ApiError;
use crate::auth;
use crate::clock;
use crate::state::AppState;

/// The CBOR media type of sync messages.
pub const CONTENT_TYPE: &str = "application/cbor";

/// Answers shorter than this travel uncompressed, whatever the device accepts.
pub const COMPRESS_FROM: usize = 1024;

/// The gzip level of answers: the default (6), not the middleware's fastest
/// (1). Pages hold uncompressed Automerge documents and changes so that gzip
/// can see what repeats across them, and level 6 takes a further quarter off
/// a first sync's bytes (docs/benchmarks-compare.md).
const GZIP_LEVEL: flate2::Compression = flate2::Compression::new(6);

/// The brotli quality of answers. On pages of uncompressed changes, quality
/// 5 takes a fifth off gzip's bytes (W1 of docs/benchmarks-compare.md) for
/// about three times gzip's processor time (about 30 MB/s here); quality 4
/// takes half as much off, and 6 a further 1 % for 20 to 50 % more time.
const BROTLI_QUALITY: i32 = 5;

/// The brotli window: 1 MiB (2^20). Documents repeat what the documents near
/// them hold (field names, vocabularies, places), which a 4 MiB window did
/// not find more of, and the window is memory held for every answer being
/// compressed (30 at once in W1) and by the phone that decompresses it.
const BROTLI_WINDOW: i32 = 20;

/// How an answer is compressed, as the device accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnswerCoding {
    Brotli,
    Gzip,
    Plain,
}

/// Authenticate the device, read the body, apply and answer.
#[post("/api/v1/sync")]
pub async fn sync(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let result = run(&req, &state, payload).await;
    let counter = if result.is_ok() {
        &state.metrics.syncs
    } else {
        &state.metrics.sync_errors
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if let Err(e) = &result {
        tracing::warn!(code = e.code(), "sync refused: {e}");
    }
    result
}

async fn run(req: &HttpRequest, state: &web::Data<AppState>, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let who = auth::device(req, state).await?;
    let raw = read_limited(payload, state.max_body).await?;
    state.metrics.bytes_in.fetch_add(raw.len() as u64, Ordering::Relaxed);
    let body = match req
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        None | Some("identity") => raw,
        Some("gzip") => gunzip(&raw, state.max_body)?,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "content encoding {other:?} is not supported (use gzip)"
            )))
        }
    };
    let request = protocol::decode_request(&body)?;
    let pushed = request.push.len();
    let store = state.store.clone();
    // Encoding packs changes when the device asked for it (Automerge work):
    // it runs off the HTTP workers too.
    let (bytes, pulled) = web::block(move || {
        service::sync(&store, who, request, clock::now()).map(|response| {
            let pulled = response.pull.as_ref().map_or(0, |p| p.items.len());
            (protocol::encode_response(&response), pulled)
        })
    })
    .await??;
    state.metrics.bytes_out.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    tracing::debug!(device = %who.device, pushed, pulled, "sync");
    let mut answer = HttpResponse::Ok();
    answer.content_type(CONTENT_TYPE);
    if bytes.len() < COMPRESS_FROM {
        // Gzip only adds its own header and trailer to a small answer.
        answer.insert_header(header::ContentEncoding::Identity);
        return Ok(answer.body(bytes));
    }
    // Compressed here, so the middleware leaves the answer as it is.
    answer.insert_header((header::VARY, "accept-encoding"));
    match answer_coding(req) {
        AnswerCoding::Brotli => {
            let compressed = web::block(move || brotli(&bytes)).await??;
            answer.insert_header(header::ContentEncoding::Brotli);
            Ok(answer.body(compressed))
        }
        AnswerCoding::Gzip => {
            let gzipped = web::block(move || gzip(&bytes)).await??;
            answer.insert_header(header::ContentEncoding::Gzip);
            Ok(answer.body(gzipped))
        }
        AnswerCoding::Plain => Ok(answer.body(bytes)),
    }
}

/// Brotli when the device accepts it, whatever its order of preference
/// (browsers list gzip first), then gzip, then nothing.
fn answer_coding(req: &HttpRequest) -> AnswerCoding {
    use actix_web::http::header::{AcceptEncoding, Encoding, Header};
    let Ok(accept) = AcceptEncoding::parse(req) else {
        return AnswerCoding::Plain;
    };
    let accepts = |encoding: Encoding| accept.negotiate([encoding.clone()].iter()) == Some(encoding);
    if accepts(Encoding::brotli()) {
        AnswerCoding::Brotli
    } else if accepts(Encoding::gzip()) {
        AnswerCoding::Gzip
    } else {
        AnswerCoding::Plain
    }
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot compress the answer: {e}")))?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), GZIP_LEVEL);
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot gzip the answer: {e}")))
}

async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("the request body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn gunzip(raw: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(raw).take(limit as u64 + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|e| ApiError::BadRequest(format!("the gzip body is damaged: {e}")))?;
    if out.len() > limit {
        return Err(ApiError::TooLarge(limit));
    }
    Ok(out)
}
