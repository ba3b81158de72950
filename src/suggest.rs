//! "Did you mean": the closest known name to a misspelt one.

/// The candidate nearest to `wrong` by edit distance, if it is near enough to
/// be a plausible typo (about a third of the name may differ). Case is ignored
/// when measuring, so `mysql_port` finds `MYSQL_PORT`.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let limit = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != wrong)
        .map(|candidate| (distance(&wrong_lower, &candidate.to_lowercase()), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, candidate)| (*d, *candidate))
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_near_misses_only() {
        let names = ["ONEADMIN_PASSWORD", "MYSQL_PASSWORD", "MYSQL_PORT"];
        assert_eq!(
            closest("ONEADMIN_PASWORD", names),
            Some("ONEADMIN_PASSWORD")
        );
        assert_eq!(closest("mysql_port", names), Some("MYSQL_PORT"));
        assert_eq!(closest("TOTALLY_UNRELATED", names), None);
        assert_eq!(closest("layot", ["layout", "image"]), Some("layout"));
    }
}
