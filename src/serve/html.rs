//! The HTML of `sessim serve`: small plain pages with no external assets, every text from
//! a user escaped.

use std::fmt::Write as _;

/// `text` made safe inside HTML text and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;\
padding:0 1rem;color:#222}nav{font-size:1.2rem}nav a{margin-right:1.2rem}h1{font-size:1.4rem}\
.result{font-size:2.6rem;font-weight:bold;margin:1rem 0}\
pre{background:#f4f4f4;padding:.8rem;overflow-x:auto;font-size:1.05rem;line-height:1.35}\
pre.wrap{white-space:pre-wrap;overflow-wrap:anywhere}\
footer{color:#666;font-size:.9rem;margin-top:2rem}input,button{font-size:1.1rem}";

/// A whole page: `title`, the site's links, `body` (HTML), and the virtual time `now`; with
/// `refresh`, the browser reloads it every that many seconds.
fn layout(title: &str, refresh: Option<u32>, now: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    if let Some(secs) = refresh {
        let _ = write!(out, "<meta http-equiv=\"refresh\" content=\"{secs}\">");
    }
    let _ = write!(
        out,
        "<title>{} · sessim</title><link rel=\"icon\" href=\"data:,\"><style>{STYLE}</style></head>\n<body>\n<nav>",
        escape(title)
    );
    for (href, name) in [
        ("/", "/"),
        ("/login", "/login"),
        ("/count", "/count"),
        ("/logout", "/logout"),
        ("/sessions", "sessions"),
    ] {
        let _ = write!(out, "<a href=\"{href}\">{name}</a>");
    }
    let _ = write!(
        out,
        "</nav>\n{body}\n<footer>sessim: the session manager of <i>Build Web Application with \
         Golang</i>, chapter 6. Simulation clock: {}.</footer>\n</body></html>\n",
        escape(now)
    );
    out
}

/// One of the book's pages: the `result` it shows, the login form if `form`, and `log`: what
/// the server did for this request, as the prompt shows it.
pub fn book_page(path: &str, result: &str, form: bool, log: &str, now: &str) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"result\" id=\"result\">{}</p>\n",
        escape(path),
        escape(result)
    );
    if form {
        body.push_str(
            "<form method=\"post\" action=\"/login\"><label>user name <input name=\"user\" \
             autofocus></label> <button>log in</button></form>\n",
        );
    }
    let _ = write!(
        body,
        "<h2>What the server did for this request</h2>\n<pre class=\"wrap\" id=\"log\">{}</pre>",
        escape(log)
    );
    layout(path, None, now, &body)
}

/// `/sessions`: the summary, the LRU list and the timeline, as the prompt draws them.
pub fn sessions_page(
    summary: &str,
    lru: &str,
    timeline: &str,
    refresh: Option<u32>,
    now: &str,
) -> String {
    let toggle = match refresh {
        Some(secs) => format!("refreshing every {secs} s · <a href=\"/sessions\">stop</a>"),
        None => "<a href=\"/sessions?refresh=2\">refresh every 2 s</a>".to_owned(),
    };
    let body = format!(
        "<h1>The store</h1>\n<p>{}</p>\n<p>{toggle} · <a href=\"/api/sessions\">JSON</a></p>\n\
         <h2>LRU list (front: most recent)</h2>\n<pre class=\"wrap\" id=\"lru\">{}</pre>\n\
         <h2>Timeline</h2>\n<pre id=\"timeline\">{}</pre>",
        escape(summary),
        escape(lru),
        escape(timeline)
    );
    layout("sessions", refresh, now, &body)
}

/// A page that only says something: a 404, a refused request, a failed store.
pub fn message_page(title: &str, text: &str, now: &str) -> String {
    let body = format!(
        "<h1>{}</h1>\n<p id=\"result\">{}</p>",
        escape(title),
        escape(text)
    );
    layout(title, None, now, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_everywhere() {
        let page = book_page(
            "/",
            "username = <script>alert('x')</script>",
            true,
            "a & \"b\"",
            "<now>",
        );
        assert!(!page.contains("<script>"));
        assert!(page.contains("username = &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(page.contains("a &amp; &quot;b&quot;"));
        assert!(page.contains("&lt;now&gt;"));
    }
}
