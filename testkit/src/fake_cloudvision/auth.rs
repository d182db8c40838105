//! Who a request is: an on-premises login's session (the `session_id`
//! cookie or the `APP_SESSION_ID` header) or a service account's token
//! (`Authorization: Bearer`, or the `access_token` cookie), and the login
//! and logout that make and end a session.

use axum::{
    http::{StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    ADMIN_PASSWORD, ADMIN_USER, Access, CloudVision, EXPIRED_TOKEN, READ_ONLY_PASSWORD, READ_ONLY_TOKEN,
    READ_ONLY_USER, TOKEN, cvp_error,
};
use crate::fake_api::{Recorded, json_response};

/// Why a request is not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Denial {
    /// No credential, or one the fake does not know.
    Unknown,
    /// A token past its expiry.
    Expired,
}

/// The value of the cookie `name` the request carries.
fn cookie<'a>(request: &'a Recorded, name: &str) -> Option<&'a str> {
    request
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl CloudVision {
    /// Who the request is: a bearer token (or the `access_token` cookie), a
    /// session id (cookie `session_id` or header `APP_SESSION_ID`, or as a
    /// bearer token, as CVP takes it).
    pub(super) fn caller(&self, request: &Recorded) -> Result<Access, Denial> {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header(header::AUTHORIZATION.as_str())
            .and_then(|v| v.strip_prefix("Bearer "))
            .or_else(|| cookie(request, "access_token"));
        let session = header("app_session_id").or_else(|| cookie(request, "session_id"));
        for credential in [bearer, session].into_iter().flatten() {
            let credential = credential.trim();
            match credential {
                TOKEN => return Ok(Access::Admin),
                READ_ONLY_TOKEN => return Ok(Access::ReadOnly),
                EXPIRED_TOKEN => return Err(Denial::Expired),
                _ => {}
            }
            if let Some((_, access)) = self.sessions.iter().find(|(id, _)| id == credential) {
                return Ok(*access);
            }
        }
        Err(Denial::Unknown)
    }

    /// `POST …/login/authenticate.do`: a JSON `{"userId", "password"}` or
    /// Basic credentials; a new session, its id in the body and the cookie.
    pub(super) fn login(&mut self, request: &Recorded) -> Response {
        let (user, password) = login_credentials(request).unwrap_or_default();
        let access = match (user.as_str(), password.as_str()) {
            (ADMIN_USER, ADMIN_PASSWORD) => Access::Admin,
            (READ_ONLY_USER, READ_ONLY_PASSWORD) => Access::ReadOnly,
            _ => return cvp_error(StatusCode::UNAUTHORIZED, "112498", "Unauthorized User"),
        };
        self.logins += 1;
        let digest = Sha256::digest(format!("{user}:{}:{}", self.logins, self.started));
        let session = hex::encode(&digest[..16]);
        self.sessions.push((session.clone(), access));
        let role = match access {
            Access::Admin => "network-admin",
            Access::ReadOnly => "network-operator",
        };
        let body = json!({
            "sessionId": session,
            "userName": user,
            "authenticationSource": "local",
            "roles": [role],
            "permissionList": []
        });
        let mut response = json_response(StatusCode::OK, &body);
        let cookie = format!("session_id={session}; Path=/; HttpOnly");
        response
            .headers_mut()
            .insert(header::SET_COOKIE, cookie.parse().expect("a cookie header"));
        response
    }

    /// `POST …/login/logout.do`: the session ends.
    pub(super) fn logout(&mut self, request: &Recorded) -> Response {
        let session = request
            .headers
            .get("app_session_id")
            .and_then(|v| v.to_str().ok())
            .or_else(|| cookie(request, "session_id"))
            .map(str::to_owned);
        self.sessions.retain(|(id, _)| Some(id) != session.as_ref());
        json_response(StatusCode::OK, &json!({ "data": "success" }))
    }
}

/// The user and password of a login: its JSON body, else Basic credentials.
fn login_credentials(request: &Recorded) -> Option<(String, String)> {
    if let Ok(body) = serde_json::from_slice::<Value>(&request.body)
        && let (Some(user), Some(password)) = (body["userId"].as_str(), body["password"].as_str())
    {
        return Some((user.to_owned(), password.to_owned()));
    }
    let basic = request
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = decode_base64(basic.trim())?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64, for Basic credentials (no crate for one header).
pub(super) fn decode_base64(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|a| *a == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}
