//! The web layer's commands: `visit`, `clients`, `cookie`, `copy-cookie`,
//! `document-cookie` and `regenerate`.

use super::{Command, Complete, Kind};
use crate::shell::Shell;
use crate::shell::args::Args;
use crate::shell::reply::{ClientRow, CookieChange, Reply, Visit};
use crate::web::{Kept, pages::PATHS, parse_query};
use crate::{Error, Result};

/// `visit CLIENT PATH [NAME=VALUE...]`
pub const VISIT: Command = Command {
    name: "visit",
    args: "CLIENT PATH [NAME=VALUE...]",
    summary: "a client requests / /login /count or /logout",
    detail: "The client (a browser, made on its first visit) sends its cookies to PATH; \
             the manager runs SessionStart, the page runs, and the answer's Set-Cookie \
             headers go into the client's jar. Prints the Cookie header sent, what the \
             manager did (created, read, adopted, destroyed, regenerated), each \
             Set-Cookie, and the page's status and result. Pages: / shows the user; \
             /login user=NAME logs NAME in; /count adds one to countnum, rotating the id \
             once createtime is older than rotate-after; /logout is SessionDestroy. \
             Parameters may also follow PATH after `?`, URL-encoded.",
    example: "visit alice /login user=alice",
    mirrors: "an HTTP request to the book's handlers",
    completes: &[Complete::Client, Complete::Path],
    kind: Kind::Act,
    run: visit,
};

fn visit(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (client, target) = (a.word()?, a.word()?);
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if !path.starts_with('/') {
        return Err(a.usage(&format!("a path starts with `/`, as {}", PATHS.join(" "))));
    }
    let mut params =
        parse_query(query).map_err(|e| Error::Invalid(format!("invalid query `{query}`: {e}")))?;
    for word in a.rest() {
        let Some((name, value)) = word.split_once('=') else {
            return Err(a.usage(&format!(
                "a parameter is NAME=VALUE, as user=alice; `{}` has no `=`",
                crate::error::shown(&word)
            )));
        };
        params.push((name.to_owned(), value.to_owned()));
    }
    let now = sh.now();
    let (request, response) = sh
        .clients
        .visit(&mut sh.manager, &client, path, params, now)?;
    Ok(Reply::Visit(Visit {
        session: response.session().map(str::to_owned),
        client,
        request,
        response,
    }))
}

/// `clients`
pub const CLIENTS: Command = Command {
    name: "clients",
    args: "",
    summary: "table of the clients and their cookies",
    detail: "Each simulated browser with the cookies it would send now: value, when it \
             expires in the browser (Max-Age on the virtual clock; `session` for a cookie \
             without one), and whether it is HttpOnly. A cookie past its Max-Age is gone.",
    example: "clients",
    mirrors: "(the browsers of §6.1)",
    completes: &[],
    kind: Kind::Look,
    run: clients,
};

fn clients(sh: &mut Shell, _: &mut Args<'_>) -> Result<Reply> {
    let now = sh.now();
    let rows = sh
        .clients
        .iter()
        .map(|(name, jar)| ClientRow {
            client: name.to_owned(),
            cookies: jar.live(now).cloned().collect(),
        })
        .collect();
    Ok(Reply::Clients { clients: rows })
}

/// `cookie CLIENT [VALUE | --clear]`
pub const COOKIE: Command = Command {
    name: "cookie",
    args: "CLIENT [VALUE | --clear]",
    summary: "show, plant or clear a client's session cookie",
    detail: "With CLIENT alone, the session cookie the client holds. With VALUE, the \
             client's session cookie becomes VALUE (Path=/, no Max-Age, not HttpOnly), as \
             an attacker plants a known id for session fixation; the client is made if \
             new. With --clear, the cookie is thrown away, as closing the browser does.",
    example: "cookie alice mallorys-id",
    mirrors: "the browser's cookie store",
    completes: &[Complete::Client],
    kind: Kind::Act,
    run: cookie,
};

fn cookie(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let client = a.word()?;
    let value = a.opt_word();
    let now = sh.now();
    let name = sh.manager.config().cookie_name.clone();
    let change = match value.as_deref() {
        None => {
            let jar = sh.clients.jar(&client)?;
            CookieChange::Shown(jar.get(&name, now).cloned())
        }
        Some("--clear") => {
            CookieChange::Cleared(sh.clients.jar(&client)?.get(&name, now).is_some())
        }
        Some(value) => {
            let kept = Kept {
                name: name.clone(),
                value: value.to_owned(),
                path: "/".to_owned(),
                expires: None,
                http_only: false,
            };
            sh.clients.jar_mut(&client)?.put(kept.clone(), now);
            CookieChange::Planted(kept)
        }
    };
    if matches!(change, CookieChange::Cleared(_)) {
        sh.clients.jar_mut(&client)?.clear(&name);
    }
    Ok(Reply::Cookie {
        client,
        name,
        change,
    })
}

/// `copy-cookie FROM TO`
pub const COPY_COOKIE: Command = Command {
    name: "copy-cookie",
    args: "FROM TO",
    summary: "TO sends FROM's session cookie (§6.4 hijack)",
    detail: "Copies the session cookie FROM holds, with its attributes, into TO's jar, as \
             an attacker does with a stolen cookie; TO is made if new. From then on both \
             send the same id, and the server cannot tell them apart.",
    example: "copy-cookie alice mallory",
    mirrors: "§6.4: copying the cookie into another browser",
    completes: &[Complete::Client, Complete::Client],
    kind: Kind::Act,
    run: copy_cookie,
};

fn copy_cookie(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (from, to) = (a.word()?, a.word()?);
    let now = sh.now();
    let name = sh.manager.config().cookie_name.clone();
    let cookie = sh.clients.jar(&from)?.get(&name, now).cloned();
    let cookie = cookie.ok_or_else(|| {
        Error::Invalid(format!(
            "`{from}` holds no {name} cookie to copy; `visit {from} /` gets one"
        ))
    })?;
    sh.clients.jar_mut(&to)?.put(cookie.clone(), now);
    Ok(Reply::Copied { from, to, cookie })
}

/// `document-cookie CLIENT`
pub const DOCUMENT_COOKIE: Command = Command {
    name: "document-cookie",
    args: "CLIENT",
    summary: "what page scripts see (HttpOnly is hidden)",
    detail: "The value of document.cookie on the client's page /: the cookies it holds, \
             except HttpOnly ones. An XSS script reads exactly this, so an HttpOnly \
             session cookie cannot be stolen by it (config cookie-httponly off shows the \
             difference).",
    example: "document-cookie alice",
    mirrors: "JavaScript's document.cookie",
    completes: &[Complete::Client],
    kind: Kind::Look,
    run: document_cookie,
};

fn document_cookie(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let client = a.word()?;
    let value = sh.clients.jar(&client)?.document_cookie("/", sh.now());
    Ok(Reply::DocumentCookie { client, value })
}

/// `regenerate SID`
pub const REGENERATE: Command = Command {
    name: "regenerate",
    args: "SID",
    summary: "give a session a new id, data kept; prints it",
    detail: "The defence against fixation and hijacking: a new generated id for the \
             session, with its values, last access and place in the LRU list kept, and the \
             old id gone. It is not an activity. An expired session is removed instead \
             (lazy expiry), unless B7 is on. Browsers still send the old id until a \
             response gives them the new one.",
    example: "regenerate alice",
    mirrors: "the fixed rotation of §6.2/§6.4 (the book has none)",
    completes: &[Complete::Id],
    kind: Kind::Act,
    run: regenerate,
};

fn regenerate(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.id()?;
    let now = sh.now();
    let to = sh.manager.regenerate(&id, now)?;
    Ok(Reply::Regenerated {
        from: id,
        to: to.into(),
    })
}
