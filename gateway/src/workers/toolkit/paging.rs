//! Long lists: how many rows an answer reads at most, following a backend's
//! pages up to that, and the note a table gets when it was cut.

use std::future::Future;

use reqwest::Url;

use super::errors::{Backend, BackendError};

/// The most objects a list or a table reads; a table of more says how many
/// it leaves out, and a menu of more is paged by the platform.
pub const MAX_ROWS: usize = 10_000;

/// One page of a backend's list.
#[derive(Clone, Debug, PartialEq)]
pub struct PageOf<T, N> {
    /// The objects on it.
    pub results: Vec<T>,
    /// How many objects match in all, as the backend counts them.
    pub count: usize,
    /// Where the next page is (a URL, an offset, a cursor); none on the last.
    pub next: Option<N>,
}

/// Reads pages from `first` on, each with `fetch`, until `max_items`
/// objects are read or the backend has no next page: the objects, and how
/// many match in all.
///
/// `fetch` is where an integration checks that a next page is where it
/// should be (a `next` URL on another origin would carry the user's token to
/// a stranger).
pub async fn follow<T, N, E, F, Fut>(first: N, max_items: usize, mut fetch: F) -> Result<(Vec<T>, usize), E>
where
    F: FnMut(N) -> Fut,
    Fut: Future<Output = Result<PageOf<T, N>, E>>,
{
    let mut results = Vec::new();
    let mut at = first;
    loop {
        let page = fetch(at).await?;
        results.extend(page.results);
        match page.next {
            Some(next) if results.len() < max_items => at = next,
            _ => {
                results.truncate(max_items);
                return Ok((results, page.count));
            }
        }
    }
}

/// Keeps the first [`MAX_ROWS`] of `results`; whether there were more (a
/// backend without counts is asked for one more row than it shows, so that
/// this says whether to ask how many there are).
pub fn cut<T>(results: &mut Vec<T>) -> bool {
    let cut = results.len() > MAX_ROWS;
    results.truncate(MAX_ROWS);
    cut
}

/// "Showing the first 10000 of 12345; …" when a list was cut, for a table's note.
pub fn cut_note(shown: usize, count: usize) -> Option<String> {
    (shown < count)
        .then(|| format!("Showing the first {shown} of {count}; narrow the filter to see the rest."))
}

/// A page's `next` link, only if it is on `own`'s origin: the caller's
/// credentials go with the request, so a link elsewhere is not followed.
pub fn on_own_origin<B: Backend>(next: Url, own: &Url) -> Result<Url, BackendError<B>> {
    if next.origin() != own.origin() {
        return Err(BackendError::Malformed(format!(
            "the next page is on another origin ({}); not following it",
            next.origin().ascii_serialization()
        )));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backend of `total` numbers, `per_page` a page, offsets as cursors.
    async fn numbers(total: usize, per_page: usize, max: usize) -> (Vec<usize>, usize, usize) {
        let mut asked = 0;
        let (read, count) = follow(0, max, |offset: usize| {
            asked += 1;
            let end = (offset + per_page).min(total);
            let page = PageOf {
                results: (offset..end).collect(),
                count: total,
                next: (end < total).then_some(end),
            };
            async move { Ok::<_, ()>(page) }
        })
        .await
        .unwrap();
        (read, count, asked)
    }

    #[tokio::test]
    async fn pages_are_followed_to_the_end() {
        let (read, count, asked) = numbers(25, 10, 100).await;
        assert_eq!(read, (0..25).collect::<Vec<_>>());
        assert_eq!((count, asked), (25, 3));
    }

    #[tokio::test]
    async fn reading_stops_at_the_most_asked_for() {
        let (read, count, asked) = numbers(25, 10, 15).await;
        assert_eq!(read, (0..15).collect::<Vec<_>>());
        assert_eq!((count, asked), (25, 2), "no page beyond what is needed");
    }

    #[test]
    fn cut_keeps_the_first_rows_and_says_whether_there_were_more() {
        let mut rows: Vec<usize> = (0..=MAX_ROWS).collect();
        assert!(cut(&mut rows));
        assert_eq!(rows.len(), MAX_ROWS);
        assert!(!cut(&mut rows));
    }
}
