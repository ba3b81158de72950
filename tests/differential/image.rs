//! The distribution reference grammar that Docker and Podman pull with.

/// Whether Docker and Podman can pull `image`: the distribution
/// `reference` grammar (docker/distribution, with the normalisation of
/// `ParseNormalizedNamed`).
pub(super) fn image_reference_error(image: &str) -> Option<String> {
    fn alnum(s: &str) -> bool {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    }
    fn path_component(c: &str) -> bool {
        // alnum (separator alnum)*, separator = [._] | __ | -+
        let mut rest = c;
        let Some(end) = rest.find(|ch: char| !(ch.is_ascii_lowercase() || ch.is_ascii_digit()))
        else {
            return alnum(rest);
        };
        if !alnum(&rest[..end]) {
            return false;
        }
        rest = &rest[end..];
        let sep_len = if rest.starts_with("__") {
            2
        } else if rest.starts_with(['.', '_']) {
            1
        } else {
            rest.len() - rest.trim_start_matches('-').len()
        };
        sep_len > 0 && path_component(&rest[sep_len..])
    }
    // host[:port], host a dotted DNS name or a bracketed IPv6 address.
    fn domain(d: &str) -> bool {
        let label = |l: &str| {
            !l.is_empty()
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let (host_ok, port) = if let Some(rest) = d.strip_prefix('[') {
            let Some((ip, after)) = rest.split_once(']') else {
                return false;
            };
            let port = match after {
                "" => None,
                after => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            let ip_ok = !ip.is_empty() && ip.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
            (ip_ok, port)
        } else {
            let (host, port) = match d.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (d, None),
            };
            (host.split('.').all(label), port)
        };
        host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    }
    let last_slash = image.rfind('/');
    let (name, tag) = match image.rfind(':') {
        Some(i) if last_slash.is_none_or(|s| i > s) => (&image[..i], Some(&image[i + 1..])),
        _ => (image, None),
    };
    if let Some(tag) = tag {
        let ok = tag.len() <= 128
            && tag
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Some(format!("bad tag {tag:?}"));
        }
    }
    if name.len() > 255 {
        return Some("name longer than 255".to_owned());
    }
    let (host, remote) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if host.is_some_and(|h| !domain(h)) {
        return Some(format!("bad domain {:?}", host.unwrap_or_default()));
    }
    if remote.to_lowercase() != remote {
        return Some("repository name must be lowercase".to_owned());
    }
    if !remote.split('/').all(path_component) {
        return Some(format!("bad repository path {remote:?}"));
    }
    None
}

#[test]
fn the_image_oracle_knows_the_distribution_grammar() {
    for good in [
        "opennebula:5.13",
        "registry.example.com:5000/opennebula/opennebula:5.13",
        "localhost/x:y",
        "OpenNebula/x:1",
        "[::1]:5000/a__b.c-d--e:_x",
        "a:t-",
    ] {
        assert_eq!(image_reference_error(good), None, "{good}");
    }
    for bad in [
        "OpenNebula:5.13",
        "x:y:z",
        "a//b:c",
        "one-:1",
        "a:.x",
        "a:-x",
        "-a:1",
        "a..b:1",
        "a___b:1",
    ] {
        assert!(image_reference_error(bad).is_some(), "{bad}");
    }
}
