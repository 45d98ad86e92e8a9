//! A small HTTP client for what is not an AWS API: the module registry protocol, and REST
//! providers. HTTPS with the system's roots (the TLS stack the AWS SDK already builds).

use http_body_util::BodyExt;

/// A response: status, headers (lower-case names) and body.
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Headers by lower-case name.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Whether a host (with optional port) is this machine, where plain HTTP is allowed.
pub fn is_loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// GETs `url` (with a bearer token when given), following no redirects (the registry
/// protocol answers directly).
pub fn get(url: &str, token: Option<&str>) -> Result<Response, String> {
    let auth = token.map(|t| ("authorization".to_string(), format!("Bearer {t}")));
    send("GET", url, auth.as_slice(), Vec::new())
}

/// Sends a request with headers and a body; the answer whatever its status.
pub fn send(method: &str, url: &str, headers: &[(String, String)], body: Vec<u8>) -> Result<Response, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
    // Callers may run on a runtime's thread, where blocking on another is not allowed.
    if tokio::runtime::Handle::try_current().is_ok() {
        return std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(fetch(method, url, headers, body)))
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
    }
    runtime.block_on(fetch(method, url, headers, body))
}

async fn fetch(method: &str, url: &str, headers: &[(String, String)], body: Vec<u8>) -> Result<Response, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("{url} is not a URL: {e}"))?;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)
        .map_err(|e| format!("cannot load the system's certificate roots: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: hyper_util::client::legacy::Client<_, http_body_util::Full<hyper::body::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
    let method: hyper::Method = method.parse().map_err(|_| format!("{method} is not an HTTP method"))?;
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(uri)
        .header("user-agent", concat!("infinstor/", env!("CARGO_PKG_VERSION")));
    for (k, v) in headers {
        request = request.header(k.as_str(), v.as_str());
    }
    let request = request
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(std::time::Duration::from_secs(60), client.request(request))
        .await
        .map_err(|_| format!("{url} did not answer within 60 s"))?
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer of {url} failed: {e}"))?
        .to_bytes()
        .to_vec();
    Ok(Response { status, headers, body })
}
