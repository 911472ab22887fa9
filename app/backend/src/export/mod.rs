//! Exports: the records a list shows (its search and filters, in its order) streamed as a file,
//! with no cap on the rows and in constant memory: read a batch at a time from one snapshot of
//! the database, written into a bounded channel that the response drains. Every export is
//! recorded in the workspace's audit trail with its filter, format and row count, and whether
//! the download finished.

pub mod people;

use tokio::sync::mpsc;

/// What an export is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 with a byte-order mark (so that Excel reads the accents right).
    Csv,
    /// vCard 4.0, one card per record.
    Vcard,
}

impl Format {
    /// From the address's extension (`csv`, `vcf`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "vcf" => Some(Self::Vcard),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Vcard => "vcf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Vcard => "text/vcard; charset=utf-8",
        }
    }
}

/// Rows read from the database at a time.
pub const BATCH: i64 = 500;
/// Bytes gathered before they are handed to the response.
const CHUNK: usize = 64 * 1024;

/// An export under way: its file's name and type, and its bytes as they are written. An `Err`
/// in the stream means the export failed part-way: the response must end as failed (not as a
/// whole file that is silently short).
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub chunks: mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
}

impl Download {
    /// The download as an HTTP response: an attachment of its type, never cached, its body
    /// streamed as it is written.
    pub fn into_response(self) -> axum::response::Response {
        use axum::http::header;
        use axum::response::IntoResponse;
        // A receiver answers "ended" however often it is asked after the end, as the
        // compression layer asks (a stream made with `unfold` panics when polled again).
        let mut chunks = self.chunks;
        let body = futures_util::stream::poll_fn(move |cx| chunks.poll_recv(cx));
        let headers = [
            (header::CONTENT_TYPE, self.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", self.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ];
        (headers, axum::body::Body::from_stream(body)).into_response()
    }
}

/// Where an export's bytes go: gathered into chunks, each sent once it is full.
struct Sink {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
}

/// The reader of the download has gone (the member cancelled it, or the connection dropped).
struct Gone;

impl Sink {
    fn new(sender: mpsc::Sender<Result<Vec<u8>, std::io::Error>>) -> Self {
        Self {
            buffer: Vec::with_capacity(CHUNK * 2),
            sender,
        }
    }

    /// Sends what is gathered once it fills a chunk.
    async fn flush_full(&mut self) -> Result<(), Gone> {
        if self.buffer.len() >= CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), Gone> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK * 2));
        self.sender.send(Ok(chunk)).await.map_err(|_| Gone)
    }

    /// Ends the download as failed.
    async fn fail(&mut self) {
        let _ = self
            .sender
            .send(Err(std::io::Error::other("the export stopped part-way")))
            .await;
    }
}
