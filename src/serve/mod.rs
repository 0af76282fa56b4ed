//! `copydesk serve [FOLDER]`: the pre-publish page for comms staff, served
//! on localhost (issue 16). An edge, like the CLI: it reuses the checker, the
//! shared guide discovery ([`crate::resolve::Resolver`]), the `check` JSON (version 1) for
//! findings, the share rules' counting and the atomic writer.
//!
//! Security, because a local web server is an attack surface:
//! - binds loopback unless `--host` names another address *and* a token is
//!   given (`--token` or `COPYDESK_SERVE_TOKEN`);
//! - every request for the page or the API carries the random token (the
//!   page's URL has it; the page sends it as `X-Copydesk-Token`);
//! - the `Host` header must name this server (DNS rebinding), and an
//!   `Origin` or `Sec-Fetch-Site` header must say the request is from the
//!   page itself (cross-site requests);
//! - responses carry a strict Content-Security-Policy; the page loads
//!   nothing from elsewhere (its assets are embedded in the binary);
//! - files are listed by the same walk `check` uses, and only those are
//!   opened or saved: nothing outside FOLDER is ever read or written;
//! - the guide's model settings and keys are never sent to the page.

mod api;
mod preview;
mod thread;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The header the page sends the token in.
pub const TOKEN_HEADER: &str = "x-copydesk-token";

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The folder of drafts to open and save; without it the page is
    /// paste-only and never writes
    pub folder: Option<PathBuf>,
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// The address to bind; anything but loopback also needs --token
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The secret every request must carry (default: a random one per run).
    /// Also read from COPYDESK_SERVE_TOKEN
    #[arg(long)]
    pub token: Option<String>,
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
    /// The guide to use instead of discovering copydesk.toml
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub(crate) struct AppState {
    token: String,
    /// `Host` values this server answers to (`127.0.0.1:7878`, …).
    hosts: Vec<String>,
    pub(crate) folder: Option<PathBuf>,
    pub(crate) guides: std::sync::Mutex<api::Guides>,
}

pub fn run(mut args: ServeArgs) -> anyhow::Result<()> {
    if args.token.is_none() {
        args.token = std::env::var("COPYDESK_SERVE_TOKEN")
            .ok()
            .filter(|token| !token.is_empty());
    }
    let ip: IpAddr = if args.host.eq_ignore_ascii_case("localhost") {
        IpAddr::from([127, 0, 0, 1])
    } else {
        args.host
            .parse()
            .with_context(|| format!("--host “{}”: not an IP address", args.host))?
    };
    if !ip.is_loopback() && args.token.as_deref().is_none_or(str::is_empty) {
        bail!(
            "refusing to serve on {ip}, which is not a loopback address, without --token (or COPYDESK_SERVE_TOKEN): anyone on that network could read and change your drafts"
        );
    }
    if let Some(token) = &args.token
        && token.len() < 16
    {
        bail!(
            "--token: too short ({} characters); use at least 16",
            token.len()
        );
    }
    let folder = match &args.folder {
        Some(folder) => {
            let root = std::fs::canonicalize(folder)
                .with_context(|| format!("{}: cannot open the folder", folder.display()))?;
            if !root.is_dir() {
                bail!("{}: not a folder", folder.display());
            }
            Some(root)
        }
        None => None,
    };
    let token = args.token.clone().unwrap_or_else(random_token);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the server runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
            .await
            .with_context(|| format!("cannot listen on {ip}:{}", args.port))?;
        let port = listener.local_addr()?.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let shown = match ip {
            IpAddr::V6(v6) => format!("[{v6}]:{port}"),
            IpAddr::V4(v4) => format!("{v4}:{port}"),
        };
        if !hosts.contains(&shown) {
            hosts.push(shown.clone());
        }
        let state = Arc::new(AppState {
            token,
            hosts,
            guides: std::sync::Mutex::new(api::Guides::new(args.config.clone(), folder.clone())),
            folder,
        });
        let url = format!("http://{shown}/?token={}", state.token);
        // Not `println!`: a closed standard output (a test, a pipe to
        // `head`) must not stop the server.
        let said = match &state.folder {
            Some(folder) => format!("drafts: {} (open and save)", folder.display()),
            None => "no folder: paste-only, nothing is written".to_owned(),
        };
        let mut out = std::io::stdout().lock();
        use std::io::Write;
        let _ = writeln!(out, "copydesk serve: {url}\n{said}").and_then(|()| out.flush());
        drop(out);
        if args.open {
            open_browser(&url);
        }
        let router = api::router(Arc::clone(&state)).layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard,
        ));
        // Ctrl-C ends the process: nothing is held open between requests
        // (a save is one atomic rename).
        axum::serve(listener, router)
            .await
            .context("the server stopped")?;
        Ok(())
    })
}

/// 128 random bits, hex: from the system's random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut bytes))
        .is_ok();
    if !filled {
        // No /dev/urandom (Windows): the standard library's randomly keyed
        // hashers, seeded from the system's random source.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(0);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(error) = std::process::Command::new(program).arg(url).spawn() {
        eprintln!("warning: could not open the browser ({program}: {error}); open {url}");
    }
}

/// Compare in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Every request passes here: Host, Origin, token; then the security
/// headers on every response.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let headers: &HeaderMap = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(|host| {
        state
            .hosts
            .iter()
            .any(|known| known.eq_ignore_ascii_case(host))
    }) {
        return secured(refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "refused: the Host header does not name this server",
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin.to_str().ok().and_then(|o| o.strip_prefix("http://"));
        if !same.is_some_and(|o| {
            state
                .hosts
                .iter()
                .any(|known| known.eq_ignore_ascii_case(o))
        }) {
            return secured(refuse(
                StatusCode::FORBIDDEN,
                "refused: a request from another site (Origin)",
            ));
        }
    }
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return secured(refuse(
            StatusCode::FORBIDDEN,
            "refused: a request from another site (Sec-Fetch-Site)",
        ));
    }
    let path = request.uri().path();
    let needs_token = !path.starts_with("/assets/");
    if needs_token {
        let given = headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                (path == "/")
                    .then(|| query_token(request.uri().query()))
                    .flatten()
            });
        if !given.is_some_and(|given| same_secret(given, &state.token)) {
            return secured(refuse(
                StatusCode::UNAUTHORIZED,
                "refused: missing or wrong token (open the URL copydesk serve printed)",
            ));
        }
    }
    secured(next.run(request).await)
}

fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abcdef", "abcdef"));
        assert!(!same_secret("abcdef", "abcdeg"));
        assert!(!same_secret("abc", "abcdef"));
    }
}
