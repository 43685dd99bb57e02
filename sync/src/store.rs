//! The document store: one writer thread, a pool of readers, one SQLite file.
//!
//! Every write runs on the single writer thread, so SQLite never sees two
//! writers and a batch is one transaction. Reads run on the caller's thread
//! with a pooled read-only connection (WAL lets them proceed during writes).
//! Both calls block: async callers run them on a blocking pool. At most
//! [`MAX_READERS`] read connections are open at once (others wait), and at
//! most one CPU-heavy job per core runs through [`Store::compute`] (the
//! Automerge work of a push, done ahead of the writer).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use rusqlite::Connection;

use crate::error::StoreError;
use crate::open::{open_reader, open_writer};
use crate::semaphore::Semaphore;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How many idle read connections are kept.
const IDLE_READERS: usize = 8;

/// How many read connections may be open at once (each has its own page cache).
pub const MAX_READERS: usize = 16;

/// A handle to the store; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    writer_thread: Mutex<Option<thread::JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
    /// Places for open read connections.
    reading: Semaphore,
    /// Places for CPU-heavy work: one per core, one of them claimed by the
    /// writer while it runs a job.
    computing: Arc<Semaphore>,
}

impl Store {
    /// Open the store at `path` (creating and migrating it) and start the writer thread.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = open_writer(path)?;
        crate::meta::ensure_epoch(&mut conn)?;
        let (sender, receiver) = mpsc::channel::<Job>();
        let computing = Arc::new(Semaphore::new(thread::available_parallelism().map_or(1, |n| n.get())));
        let cores = Arc::clone(&computing);
        let writer_thread = thread::Builder::new()
            .name("relais-writer".into())
            .spawn(move || {
                for job in receiver {
                    // The writer is the one thread every push waits for:
                    // while it works it holds a processor, and preparations
                    // not yet started wait for it instead of sharing it.
                    let _core = cores.claim();
                    // A panicking job (a bug, hostile input reaching a library)
                    // must not take the only writer down: its transaction rolls
                    // back as it unwinds, its caller gets an error, and the
                    // next job runs.
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut conn)));
                    if outcome.is_err() {
                        tracing::error!("a write job panicked; it was rolled back");
                    }
                }
            })
            .map_err(|e| StoreError::Invalid(format!("cannot start the writer thread: {e}")))?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(Some(sender)),
                writer_thread: Mutex::new(Some(writer_thread)),
                readers: Mutex::new(Vec::new()),
                reading: Semaphore::new(MAX_READERS),
                computing,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Run `f` on the writer thread and wait for its result.
    pub fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn| {
            // The caller may have gone away; its answer is then dropped.
            let _ = reply.send(f(conn));
        });
        {
            let writer = self.inner.writer.lock().map_err(|_| StoreError::WriterGone)?;
            let sender = writer.as_ref().ok_or(StoreError::WriterGone)?;
            sender.send(job).map_err(|_| StoreError::WriterGone)?;
        }
        answer.recv().map_err(|_| StoreError::WriteAborted)?
    }

    /// Run `f` with a read-only connection (waiting for one if
    /// [`MAX_READERS`] are in use). `f` must not call `read` again.
    pub fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError>,
    {
        let _place = self.inner.reading.acquire();
        let pooled = self.inner.readers.lock().ok().and_then(|mut pool| pool.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => open_reader(&self.inner.path)?,
        };
        let result = f(&conn);
        if let Ok(mut pool) = self.inner.readers.lock() {
            if pool.len() < IDLE_READERS {
                pool.push(conn);
            }
        }
        result
    }

    /// Run CPU-heavy work that reads the store (preparing a push) with a
    /// read-only connection, at most one such job per core at once, so that
    /// bursts of pushes leave the writer its share of the processors.
    pub fn compute<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError>,
    {
        let _place = self.inner.computing.acquire();
        self.read(f)
    }

    /// Stop accepting writes and wait until queued jobs are done and the
    /// writer's connection is closed (which checkpoints the write-ahead log).
    pub fn close(&self) {
        if let Ok(mut writer) = self.inner.writer.lock() {
            writer.take();
        }
        let handle = self.inner.writer_thread.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle {
            if handle.thread().id() != thread::current().id() {
                let _ = handle.join();
            }
        }
        if let Ok(mut readers) = self.inner.readers.lock() {
            readers.clear();
        }
    }
}
