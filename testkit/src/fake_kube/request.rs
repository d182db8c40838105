//! Requests as kube-apiserver routes them, and refusals as it answers them.
//!
//! A refusal is a `Status` object with the real `code`, `reason` and message
//! shape: kube's `Error::Api`, its watcher and kube-lease-manager branch on
//! `code` and `reason` (409 Conflict versus AlreadyExists, 410 Expired, 403
//! Forbidden), so a fake that answered "no" any other way would test nothing.

use axum::{
    extract::Query,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{CLIENT_HEADER, json_response};

/// A request as the API server routes it:
/// `/api/v1|/apis/GROUP/VERSION` `/namespaces/NS/PLURAL[/NAME[/SUBRESOURCE]]`.
pub(super) struct Request {
    pub method: Method,
    pub uri: String,
    /// The collection path, up to the plural.
    pub collection: String,
    pub plural: String,
    /// `""` for the core group.
    pub group: String,
    pub namespace: String,
    pub name: Option<String>,
    pub sub: Option<String>,
    pub query: Vec<(String, String)>,
    pub content_type: String,
    /// `Accept: ...;as=PartialObjectMetadata`: metadata only.
    pub metadata_only: bool,
    pub body: Value,
    pub client: Option<String>,
    /// The default field manager of a write: the user agent's product.
    pub agent: String,
}

impl Request {
    pub fn parse(method: Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Request, Failure> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        };
        let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
        let at = segments.iter().position(|s| *s == "namespaces");
        let at = at.ok_or_else(Failure::no_such_path)?;
        let group = match segments[..at] {
            ["api", "v1"] => "",
            ["apis", group, _] => group,
            _ => return Err(Failure::no_such_path()),
        };
        let content_type = header("content-type").to_owned();
        let body: Value = if body.is_empty() {
            Value::Null
        } else {
            // Apply bodies are YAML; kube sends JSON, which is YAML too.
            match serde_json::from_slice(body) {
                Ok(body) => body,
                Err(_) if content_type.contains("yaml") => {
                    let text = String::from_utf8_lossy(body);
                    serde_saphyr::from_str(&text).map_err(|e| Failure::bad_request(e.to_string()))?
                }
                Err(e) => return Err(Failure::bad_request(e.to_string())),
            }
        };
        let query = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| Failure::bad_request(e.to_string()))?;
        let segment = |i: usize| segments.get(i).map(|s| (*s).to_owned());
        Ok(Request {
            method,
            uri: uri.to_string(),
            collection: format!("/{}", segments[..(at + 3).min(segments.len())].join("/")),
            plural: segment(at + 2).ok_or_else(Failure::no_such_path)?,
            group: group.to_owned(),
            namespace: segment(at + 1).unwrap_or_default(),
            name: segment(at + 3),
            sub: segment(at + 4),
            query: query.0,
            content_type,
            metadata_only: header("accept").contains("as=PartialObjectMetadata"),
            body,
            client: Some(header(CLIENT_HEADER).to_owned()).filter(|c| !c.is_empty()),
            agent: Some(header("user-agent").split('/').next().unwrap_or_default())
                .filter(|a| !a.is_empty())
                .unwrap_or("unknown")
                .to_owned(),
        })
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn is_write(&self) -> bool {
        matches!(
            self.method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        )
    }

    /// The resource as messages name it: `configmaps`, `leases.coordination.k8s.io`.
    pub fn resource(&self) -> String {
        match self.group.as_str() {
            "" => self.plural.clone(),
            group => format!("{}.{group}", self.plural),
        }
    }

    pub fn not_found(&self, name: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            format!("{} \"{name}\" not found", self.resource()),
        )
        .named(self, name)
    }
}

/// A refused request, answered with a `Status` body as kube-apiserver does:
/// clients (kube's `Error::Api`, the lease manager) branch on `code` and `reason`.
#[derive(Debug)]
pub(super) struct Failure {
    pub code: StatusCode,
    pub reason: &'static str,
    pub message: String,
    pub details: Value,
}

impl Failure {
    pub fn new(code: StatusCode, message: impl Into<String>) -> Failure {
        let reason = match code.as_u16() {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Gone",
            415 => "UnsupportedMediaType",
            422 => "Invalid",
            429 => "TooManyRequests",
            500 => "InternalError",
            503 => "ServiceUnavailable",
            504 => "Timeout",
            _ => "Unknown",
        };
        Failure {
            code,
            reason,
            message: message.into(),
            details: json!({}),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn no_such_path() -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "the server could not find the requested resource",
        )
    }

    pub fn not_allowed() -> Failure {
        Failure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "the server does not allow this method",
        )
    }

    /// A 409 the object's version decides: someone wrote since the client read.
    pub fn modified(request: &Request, name: &str) -> Failure {
        let message = format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; \
             please apply your changes to the latest version and try again",
            request.resource()
        );
        Failure::new(StatusCode::CONFLICT, message).named(request, name)
    }

    pub fn reason(mut self, reason: &'static str) -> Failure {
        self.reason = reason;
        self
    }

    pub fn named(mut self, request: &Request, name: &str) -> Failure {
        self.details = json!({"name": name, "group": request.group, "kind": request.plural});
        self
    }

    pub fn body(&self) -> Value {
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason, "details": self.details, "code": self.code.as_u16()})
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        json_response(self.code, &self.body())
    }
}
