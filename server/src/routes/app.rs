//! The agents' app, embedded at build time (see `server/build.rs`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// A file of the built app.
#[derive(Debug)]
pub struct EmbeddedFile {
    /// Path below the app's root, e.g. `assets/index-1a2b.js`.
    pub path: &'static str,
    /// The file as built.
    pub bytes: &'static [u8],
    /// Its brotli form, when that is worth sending.
    pub brotli: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// Whether the binary carries the app.
pub fn is_embedded() -> bool {
    ASSETS.iter().any(|file| file.path == "index.html")
}

/// A file of the app: its bytes and, when smaller, its brotli form.
type Asset = (&'static [u8], Option<&'static [u8]>);

fn find(path: &str) -> Option<Asset> {
    ASSETS
        .iter()
        .find(|file| file.path == path)
        .map(|file| (file.bytes, file.brotli))
}

fn accepts_brotli(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("br")))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Serve a file of the app; unknown paths without an extension get the app
/// shell (client-side routes); `/api/…` never does.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let readable = req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD;
    if path.starts_with("api/") || !readable {
        return HttpResponse::NotFound()
            .json(serde_json::json!({ "error": "not_found", "message": "no such endpoint" }));
    }
    let path = if path.is_empty() { "index.html" } else { path };
    let (path, (bytes, brotli)) = match find(path) {
        Some(asset) => (path, asset),
        None if !path.contains('.') || path == "index.html" => match find("index.html") {
            Some(asset) => ("index.html", asset),
            None => return not_built(),
        },
        None => {
            return HttpResponse::NotFound()
                .json(serde_json::json!({ "error": "not_found", "message": "no such file" }))
        }
    };
    // Hashed build outputs never change; everything else is revalidated.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type(path))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"));
    match brotli {
        Some(compressed) if accepts_brotli(&req) => response
            .insert_header((header::CONTENT_ENCODING, "br"))
            .body(compressed),
        _ => response.body(bytes),
    }
}

fn not_built() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Relais</title>\
         <h1>Relais</h1><p>Le serveur fonctionne, mais l'application n'a pas été construite \
         (RELAIS_SKIP_WEB=1). The server runs, but the app was not built into this binary.</p></html>",
    )
}
