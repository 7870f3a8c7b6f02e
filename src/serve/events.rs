//! Server-Sent Events: each browser tab holds one connection, on a thread of its own so it
//! never takes a thread that serves files; their number is bounded.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Most reload channels open at once; more get `503`.
pub const MAX_CLIENTS: usize = 64;

/// One event for every connected tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `reload`, `css`, `failed` or `ok`.
    pub name: &'static str,
    /// One line of data (JSON).
    pub data: String,
}

impl Event {
    fn encode(&self) -> String {
        format!("event: {}\ndata: {}\n\n", self.name, self.data)
    }
}

/// The connected tabs.
#[derive(Default, Clone)]
pub struct Clients {
    senders: Arc<Mutex<Vec<Sender<Event>>>>,
}

impl Clients {
    /// Sends an event to every tab, forgetting tabs that have gone.
    pub fn broadcast(&self, event: &Event) {
        if let Ok(mut senders) = self.senders.lock() {
            senders.retain(|s| s.send(event.clone()).is_ok());
        }
    }

    /// Number of open channels.
    pub fn len(&self) -> usize {
        self.senders.lock().map_or(0, |s| s.len())
    }

    /// True when no tab is connected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Registers a tab; `None` when too many are open.
    pub fn join(&self) -> Option<Receiver<Event>> {
        let mut senders = self.senders.lock().ok()?;
        // Tabs that have gone are found by their closed channel.
        senders.retain(|s| {
            s.send(Event {
                name: "ping",
                data: String::new(),
            })
            .is_ok()
        });
        if senders.len() >= MAX_CLIENTS {
            return None;
        }
        let (tx, rx) = mpsc::channel();
        senders.push(tx);
        Some(rx)
    }
}

/// Streams events to one tab until it goes away. `first` is sent straight after the headers
/// (the current build failure, so a new tab shows it too).
pub fn stream(mut writer: Box<dyn Write + Send>, rx: Receiver<Event>, first: Option<Event>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 500\n\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    let mut pending = first;
    loop {
        let event = match pending.take() {
            Some(e) => e,
            None => match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(e) => e,
                // A comment keeps proxies from closing an idle stream, and finds closed tabs.
                Err(RecvTimeoutError::Timeout) => Event {
                    name: "ping",
                    data: String::new(),
                },
                Err(RecvTimeoutError::Disconnected) => return,
            },
        };
        let bytes = if event.name == "ping" {
            ": ping\n\n".to_string()
        } else {
            event.encode()
        };
        if writer
            .write_all(bytes.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}
