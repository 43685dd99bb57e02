//! Embeds the built agents' app (`web/dist`) into the binary.
//!
//! - `RELAIS_WEB_DIST=DIR` embeds a prebuilt folder.
//! - Otherwise `web/dist` is embedded; when it is missing and `web/` exists,
//!   it is built first with `npm ci` (if needed) and `npm run build`.
//! - `RELAIS_SKIP_WEB=1` embeds nothing: the server then answers `/` with a
//!   page saying the app was not built (the API works as usual).
//!
//! Text and WASM files are also embedded brotli-compressed (quality 11, done
//! once here), so a phone's first load stays small without compressing on
//! every request.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RELAIS_WEB_DIST");
    println!("cargo:rerun-if-env-changed=RELAIS_SKIP_WEB");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest
        .parent()
        .expect("the server crate sits in the workspace")
        .join("web");
    let skip = std::env::var("RELAIS_SKIP_WEB").is_ok_and(|v| v == "1");
    let dist = match std::env::var("RELAIS_WEB_DIST") {
        Ok(dir) => Some(PathBuf::from(dir)),
        Err(_) if skip => None,
        Err(_) => {
            let dist = web.join("dist");
            if !dist.join("index.html").exists() && web.join("package.json").exists() {
                build_web(&web);
            }
            dist.join("index.html").exists().then_some(dist)
        }
    };
    let mut files = Vec::new();
    if let Some(dist) = &dist {
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(dist, dist, &mut files);
    } else if web.exists() {
        println!("cargo:rerun-if-changed={}", web.join("dist").display());
    }
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out = String::from(
        "/// The built app, one entry per file.\n\
         pub static ASSETS: &[EmbeddedFile] = &[\n",
    );
    for (index, (relative, absolute)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", absolute.display());
        let compressed = match compress(absolute, &out_dir.join(format!("asset-{index}.br"))) {
            Some(path) => format!("Some(include_bytes!({:?}))", path.display().to_string()),
            None => "None".to_string(),
        };
        let bytes = format!("include_bytes!({:?})", absolute.display().to_string());
        writeln!(
            out,
            "    EmbeddedFile {{ path: {relative:?}, bytes: {bytes}, brotli: {compressed} }},"
        )
        .expect("write to a String");
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("web_assets.rs"), out).expect("write the asset table");
}

/// Brotli-compress a text or WASM file into `target` when it saves at least a tenth.
fn compress(source: &Path, target: &Path) -> Option<PathBuf> {
    let ext = source.extension()?.to_str()?;
    if !matches!(
        ext,
        "html" | "js" | "mjs" | "css" | "json" | "webmanifest" | "wasm" | "svg" | "txt"
    ) {
        return None;
    }
    let bytes = std::fs::read(source).ok()?;
    let mut compressed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params).ok()?;
    if compressed.len() * 10 > bytes.len() * 9 {
        return None;
    }
    std::fs::write(target, compressed).ok()?;
    Some(target.to_path_buf())
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            files.push((relative, path));
        }
    }
}

/// Build the app; on failure the server is built without it (and says so at `/`).
fn build_web(web: &Path) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let installed = web.join("node_modules").exists() || run(Command::new(npm).arg("ci").current_dir(web), "npm ci");
    if installed {
        run(
            Command::new(npm).args(["run", "build"]).current_dir(web),
            "npm run build",
        );
    }
}

fn run(command: &mut Command, what: &str) -> bool {
    match command.output() {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().last().unwrap_or_default();
            println!(
                "cargo:warning={what} failed in web/ ({}): {last}; the server is built without the app",
                output.status
            );
            false
        }
        Err(e) => {
            println!("cargo:warning={what} could not start ({e}); install Node.js and npm; the server is built without the app");
            false
        }
    }
}
