//! `copydesk serve`'s preview data: the published text (Markdown markers
//! removed), its hashtags, mentions and links as each platform shows them,
//! the fold, the overflow and the link card placeholder.

use crate::serve::{post, serve_with};

use serde_json::{Value, json};

fn platform<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["platforms"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == id))
        .unwrap_or_else(|| panic!("{id} in {result}"))
}

/// (kind, the published words, what is shown) of each entity.
fn entities(result: &Value, id: &str) -> Vec<(String, String, String)> {
    let plain = result["plain"].as_str().expect("plain");
    platform(result, id)["preview"]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            let start = e["start"].as_u64().expect("start") as usize;
            let end = e["end"].as_u64().expect("end") as usize;
            (
                e["kind"].as_str().expect("kind").to_owned(),
                plain[start..end].to_owned(),
                e["shown"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_preview_shows_the_post_as_each_platform_does() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let served = serve_with(dir.path(), None, &[]);
    let long = "Every team can search every file in one place now. ".repeat(5);
    let text = format!(
        "**Big news** from @acme_team #launch: [the notes](https://www.example.com/blog/2026/the-new-search-is-here)\n\n{long}\n"
    );
    let reply = post(
        &served,
        "/api/check",
        &json!({ "text": text, "platforms": ["x", "mastodon", "linkedin", "instagram"] }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let result = reply.json();
    let plain = result["plain"].as_str().expect("plain");
    assert!(plain.starts_with("Big news from @acme_team"), "{plain}");
    let url = "https://www.example.com/blog/2026/the-new-search-is-here";
    let x = |kind: &str, written: &str, shown: &str| {
        (kind.to_owned(), written.to_owned(), shown.to_owned())
    };
    assert_eq!(
        entities(&result, "x"),
        [
            x("mention", "@acme_team", ""),
            x("hashtag", "#launch", ""),
            x("link", url, "https://t.co/xxxxxxxxxx"),
        ]
    );
    assert_eq!(
        entities(&result, "mastodon")[2],
        x("link", url, "example.com/blog/2026/the-new-…")
    );
    assert_eq!(entities(&result, "linkedin")[2], x("link", url, url));
    assert_eq!(platform(&result, "x")["preview"]["card"], "example.com");
    assert!(platform(&result, "instagram")["preview"]["card"].is_null());
    // X is over 280: the overflow is an offset of the published text.
    let overflow = platform(&result, "x")["preview"]["overflow"]
        .as_u64()
        .expect("X overflows") as usize;
    assert!(plain.is_char_boundary(overflow) && overflow < plain.len());
    // LinkedIn folds at about 210 characters, Instagram at 125.
    for (id, at) in [("linkedin", 210), ("instagram", 125)] {
        let fold = platform(&result, id)["preview"]["fold"]
            .as_u64()
            .expect("a fold") as usize;
        assert_eq!(plain[..fold].chars().count(), at, "{id}");
    }
    assert!(platform(&result, "x")["preview"]["fold"].is_null());
}
