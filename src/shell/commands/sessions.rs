//! The book's session calls: `new`, `read`, the store's `set`, `get`, `del` and `incr`,
//! `touch` and `destroy`.

use super::{Command, Complete, Kind};
use crate::Result;
use crate::shell::Shell;
use crate::shell::args::Args;
use crate::shell::reply::Reply;

const ID: &[Complete] = &[Complete::Id];

/// `new [SID]`
pub const NEW: Command = Command {
    name: "new",
    args: "[SID]",
    summary: "create a session (an id is generated if none)",
    detail: "Stores a new, empty session accessed now and prints its id. Without SID the id \
             is 32 random bytes, base64 URL encoded, as the manager makes them. An id that \
             exists is refused. With a capacity set, the least recently used session is \
             evicted first when the store is full. The session joins the front of the LRU \
             list; with B1 on, the back, as the book's PushBack puts it.",
    example: "new alice",
    mirrors: "SessionInit(sid), via Manager.SessionStart",
    completes: &[],
    kind: Kind::Act,
    run: new,
};

fn new(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.opt_id()?;
    let now = sh.now();
    let id = sh.manager.create(id.as_deref(), now)?;
    Ok(Reply::Created { id: id.into() })
}

/// `read SID`
pub const READ: Command = Command {
    name: "read",
    args: "SID",
    summary: "look a session up as SessionRead does; no touch",
    detail: "Finds the session and prints a summary. It is not an activity: the last \
             access and the LRU order stay as they are. An unknown id is an error, and an \
             expired session is removed (lazy expiry). With B5 on, an unknown id is adopted: \
             created with that id. With B7 on, an expired session is found as it is.",
    example: "read alice",
    mirrors: "SessionRead(sid)",
    completes: ID,
    kind: Kind::Act,
    run: read,
};

fn read(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.id()?;
    let now = sh.now();
    let outcome = sh.manager.read(&id, now)?;
    let session = sh.manager.session(&id)?;
    let s = session.ok_or_else(|| crate::Error::NoSuchSession(id.clone()))?;
    Ok(Reply::Read {
        outcome,
        session: sh.row(&s.id, s.last_access, s.created, s.values.len()),
    })
}

/// `set SID KEY VALUE`
pub const SET: Command = Command {
    name: "set",
    args: "SID KEY VALUE",
    summary: "store a value in a session (activity)",
    detail: "Stores VALUE under KEY and touches the session: its last access becomes now \
             and it moves to the front. Quote values that hold spaces.",
    example: "set alice name \"Alice Liddell\"",
    mirrors: "SessionStore.Set(key, value), which calls SessionUpdate",
    completes: ID,
    kind: Kind::Act,
    run: set,
};

fn set(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (id, key, value) = (a.id()?, a.word()?, a.word()?);
    let now = sh.now();
    sh.manager.set(&id, &key, &value, now)?;
    Ok(Reply::Stored)
}

/// `get SID KEY`
pub const GET: Command = Command {
    name: "get",
    args: "SID KEY",
    summary: "print a value, or (nil) (activity)",
    detail: "Prints the value under KEY, or (nil) when there is none, and touches the \
             session.",
    example: "get alice name",
    mirrors: "SessionStore.Get(key), which calls SessionUpdate",
    completes: ID,
    kind: Kind::Act,
    run: get,
};

fn get(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (id, key) = (a.id()?, a.word()?);
    let now = sh.now();
    let value = sh.manager.get(&id, &key, now)?;
    Ok(Reply::Value {
        value: value.map(Into::into),
    })
}

/// `del SID KEY`
pub const DEL: Command = Command {
    name: "del",
    args: "SID KEY",
    summary: "delete a key from a session (activity)",
    detail: "Removes KEY and touches the session, whether or not KEY was there.",
    example: "del alice name",
    mirrors: "SessionStore.Delete(key), which calls SessionUpdate",
    completes: ID,
    kind: Kind::Act,
    run: del,
};

fn del(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (id, key) = (a.id()?, a.word()?);
    let now = sh.now();
    let existed = sh.manager.delete(&id, &key, now)?;
    Ok(Reply::Deleted { existed })
}

/// `incr SID KEY [BY]`
pub const INCR: Command = Command {
    name: "incr",
    args: "SID KEY [BY]",
    summary: "add BY (default 1) to an integer (activity)",
    detail: "The book's countnum counter: reads KEY as an integer (missing counts as 0), \
             adds BY and stores the sum, then prints it. A value that is not an integer, or \
             a sum beyond the 64-bit range, is an error that changes nothing.",
    example: "incr alice countnum",
    mirrors: "sess.Get(\"countnum\") then sess.Set(\"countnum\", ct+1)",
    completes: ID,
    kind: Kind::Act,
    run: incr,
};

fn incr(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let (id, key, by) = (a.id()?, a.word()?, a.opt_word());
    let by = match by {
        None => 1,
        Some(text) => text.parse().map_err(|_| {
            crate::Error::Usage(format!(
                "invalid BY `{text}`: expected a whole number between {} and {}",
                i64::MIN,
                i64::MAX
            ))
        })?,
    };
    let now = sh.now();
    let value = sh.manager.incr(&id, &key, by, now)?;
    Ok(Reply::Counter { value })
}

/// `touch SID`
pub const TOUCH: Command = Command {
    name: "touch",
    args: "SID",
    summary: "mark a session used now (activity)",
    detail: "Sets the last access to now and moves the session to the front of the LRU list.",
    example: "touch alice",
    mirrors: "SessionUpdate(sid)",
    completes: ID,
    kind: Kind::Act,
    run: touch,
};

fn touch(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.id()?;
    let now = sh.now();
    sh.manager.touch(&id, now)?;
    Ok(Reply::Touched)
}

/// `destroy SID`
pub const DESTROY: Command = Command {
    name: "destroy",
    args: "SID",
    summary: "remove a session",
    detail: "Removes the session at once, with reason `destroyed`.",
    example: "destroy alice",
    mirrors: "SessionDestroy(sid), via Manager.SessionDestroy",
    completes: ID,
    kind: Kind::Act,
    run: destroy,
};

fn destroy(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.id()?;
    let now = sh.now();
    sh.manager.destroy(&id, now)?;
    Ok(Reply::Destroyed { id })
}
