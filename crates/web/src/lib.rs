//! The watch-center web COP, embedded: the files `npm run build` made of `web/`
//! when this crate was compiled (see build.rs). `cuenca serve` serves them at `/`.
//!
//! Files under `assets/` carry a content hash in their names, so they may be cached
//! for ever; `index.html` may not.

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path` (as in the URL, with or without the leading `/`; `/` is
/// `index.html`) and its content type.
pub fn asset(path: &str) -> Option<(&'static [u8], &'static str)> {
    let p = path.trim_start_matches('/');
    let p = if p.is_empty() { "index.html" } else { p };
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == p)
        .map(|(_, body, kind)| (*body, *kind))
}

/// Every embedded path (without the leading `/`).
pub fn paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(name, _, _)| *name)
}

/// Whether `path` names a content-hashed file that never changes under that name.
pub fn is_immutable(path: &str) -> bool {
    path.trim_start_matches('/').starts_with("assets/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_page() {
        let (body, kind) = asset("/").expect("index.html is embedded");
        assert!(kind.starts_with("text/html"));
        let html = std::str::from_utf8(body).expect("utf-8");
        assert!(html.contains("Cuenca COP"));
        assert_eq!(asset("/index.html").map(|a| a.0), Some(body));
        assert!(!is_immutable("/index.html"));
    }

    #[test]
    fn everything_the_page_links_is_embedded() {
        let html = std::str::from_utf8(asset("/").expect("index").0).expect("utf-8");
        let linked: Vec<&str> = html
            .split(['"', '\''])
            .filter_map(|s| s.strip_prefix("./assets/"))
            .collect();
        assert!(linked.len() >= 2, "the page links its script and styles");
        for name in linked {
            let path = format!("/assets/{name}");
            assert!(asset(&path).is_some(), "{path} is embedded");
            assert!(is_immutable(&path));
        }
        assert!(paths().any(|p| p.ends_with(".js")));
        assert_eq!(asset("/no/such/file"), None);
        assert_eq!(asset("/../Cargo.toml"), None);
    }
}
