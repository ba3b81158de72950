//! `docker run` and `podman run` command lines, as the reference pages give
//! them, read into a [`Project`]: one container per command. Lines ending
//! in `\` continue; words are split as a POSIX shell would (quotes,
//! backslashes); `$VAR` and `${VAR}` are the shell's variables, read when
//! the command runs (secrets).

use super::compose::{short_mount, short_port};
use super::interpolate::{Text, Vars, interpolate};
use super::{Container, Project, Unsaid, Value};
use crate::kinds::{RuntimeKind, Word as _};

/// Whether `text` holds a `docker run` or `podman run` command.
#[must_use]
pub fn looks_like_run(text: &str) -> bool {
    commands(text).next().is_some()
}

/// The commands of `text`: (line, words), continuation lines joined,
/// comments and other commands skipped.
fn commands(text: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    let mut joined: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let (start, mut sofar) = pending.take().unwrap_or((index + 1, String::new()));
        if let Some(head) = line.strip_suffix('\\') {
            sofar.push_str(head);
            sofar.push(' ');
            pending = Some((start, sofar));
        } else {
            sofar.push_str(line);
            joined.push((start, sofar));
        }
    }
    joined.extend(pending);
    joined.into_iter().filter(|(_, line)| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let start = usize::from(matches!(words.first(), Some(&("sudo" | "$" | "#"))));
        words
            .get(start)
            .is_some_and(|w| RuntimeKind::parse(w).is_some())
            && words.get(start + 1) == Some(&"run")
    })
}

/// Why a command line cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Unbalanced quotes on this line.
    Quotes(usize),
    /// No `docker run` or `podman run` command at all.
    NoCommand,
    /// A command with no image: its line.
    NoImage(usize),
    /// An `--env-file` that cannot be read: its path and the error.
    EnvFile(String, String),
}

/// The flags that take a value, of those the reference pages use or that
/// must not be mistaken for the image.
const WITH_VALUE: &[&str] = &[
    "-e",
    "--env",
    "-p",
    "--publish",
    "-v",
    "--volume",
    "--name",
    "--restart",
    "--cap-add",
    "--env-file",
    "--security-opt",
    "--network",
    "--net",
    "-h",
    "--hostname",
    "--mount",
    "--cap-drop",
    "--entrypoint",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--label",
    "-l",
    "--add-host",
    "--dns",
    "--memory",
    "-m",
    "--cpus",
    "--log-driver",
    "--log-opt",
    "--pull",
    "--platform",
    "--device",
    "--tmpfs",
    "--ulimit",
];

/// Flags that change nothing the compose project says.
const NEUTRAL: &[&str] = &["-d", "--detach", "-it", "-ti", "-i", "-t", "--rm", "--init"];

/// Reads the commands of `text`. Each becomes a container; the runtime is
/// Podman when every command is `podman run`. `env_file` reads the file of
/// an `--env-file` (relative to the folder of `text`).
pub fn read(
    text: &str,
    env_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Project, Unreadable> {
    let mut project = Project::default();
    let mut runtimes = Vec::new();
    for (line, command) in commands(text) {
        let words = shell_words::split(&command).map_err(|_| Unreadable::Quotes(line))?;
        let mut words = words.into_iter().skip_while(|w| w == "sudo" || w == "$");
        let runtime = words
            .next()
            .and_then(|w| RuntimeKind::parse(&w))
            .unwrap_or(RuntimeKind::Docker);
        runtimes.push(runtime);
        let words: Vec<String> = words.skip(1).collect();
        let mut container = Container {
            line,
            ..Container::default()
        };
        let mut unsaid = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            if !word.starts_with('-') {
                container.image = Some(word.clone());
                if i + 1 < words.len() {
                    unsaid.push(Unsaid::Command(words[i + 1..].join(" ")));
                }
                break;
            }
            let (flag, inline) = match word.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (word.as_str(), None),
            };
            let takes_value = WITH_VALUE.contains(&flag);
            let value = if takes_value && inline.is_none() {
                i += 1;
                words.get(i).cloned()
            } else {
                inline
            };
            i += 1;
            if let ("--env-file", Some(path)) = (flag, &value) {
                // Docker reads env files first; `-e` wins whatever the order.
                let text = env_file(path).map_err(|e| Unreadable::EnvFile(path.clone(), e))?;
                for (name, value) in docker_env_file(&text) {
                    container.env.entry(name).or_insert(value);
                }
                continue;
            }
            flag_of(&mut container, &mut unsaid, flag, value);
        }
        if container.image.is_none() {
            return Err(Unreadable::NoImage(line));
        }
        container.key = container
            .container_name
            .clone()
            .unwrap_or_else(|| format!("container-{}", project.containers.len() + 1));
        for what in unsaid {
            project
                .unsaid
                .push((Some(container.key.clone()), line, what));
        }
        project.containers.push(container);
    }
    if project.containers.is_empty() {
        return Err(Unreadable::NoCommand);
    }
    if runtimes.iter().all(|r| *r == RuntimeKind::Podman) {
        project.runtime = Some(RuntimeKind::Podman);
    }
    project.name = project
        .containers
        .first()
        .and_then(|c| c.container_name.clone());
    Ok(project)
}

/// An `--env-file` as Docker reads it: `NAME=value` lines taken literally
/// (quotes are part of the value, nothing is interpolated), `#` comments,
/// and `NAME` alone for the variable of the environment `docker run`
/// runs in.
fn docker_env_file(text: &str) -> Vec<(String, Value)> {
    let mut vars = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((name, value)) => vars.push((name.to_owned(), Value::Text(value.to_owned()))),
            None => vars.push((
                line.trim_end().to_owned(),
                Value::Env(line.trim_end().to_owned()),
            )),
        }
    }
    vars
}

/// One flag of a command, with its value.
fn flag_of(container: &mut Container, unsaid: &mut Vec<Unsaid>, flag: &str, value: Option<String>) {
    match (flag, value) {
        ("-e" | "--env", Some(value)) => match value.split_once('=') {
            Some((name, text)) => {
                let value = match interpolate(text, &Vars::new()) {
                    Text::Known(text) => Value::Text(text),
                    Text::Env(variable) => Value::Env(variable),
                    Text::Unset(_) => {
                        unsaid.push(Unsaid::Environment(name.to_owned()));
                        return;
                    }
                };
                container.env.insert(name.to_owned(), value);
            }
            None => {
                container.env.insert(value.clone(), Value::Env(value));
            }
        },
        ("-p" | "--publish", Some(value)) => match short_port(&value) {
            Some(port) => container.ports.push(port),
            None => unsaid.push(Unsaid::Port(value)),
        },
        ("-v" | "--volume", Some(value)) => {
            match short_mount(&value, &|key| Some(key.to_owned()), None) {
                Some(mount) => container.mounts.push(mount),
                None => unsaid.push(Unsaid::Mount(value)),
            }
        }
        ("--name", Some(value)) => container.container_name = Some(value),
        ("--restart", Some(value)) => container.restart = Some(value),
        ("--cap-add", Some(value)) => container.caps.push(value),
        ("--security-opt", Some(value)) => container.security.push(value),
        ("--privileged", None) => container.privileged = true,
        ("--privileged", Some(value)) => container.privileged = value == "true",
        (flag, _) if NEUTRAL.contains(&flag) => {}
        (flag, value) => unsaid.push(Unsaid::Flag(match value {
            Some(value) => format!("{flag} {value}"),
            None => flag.to_owned(),
        })),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests panic to fail")]
mod tests {
    use super::*;
    use crate::import::{Mount, Port, Source};
    use crate::kinds::Protocol;

    fn no_files(path: &str) -> Result<String, String> {
        Err(format!("no {path}"))
    }

    #[test]
    fn env_files_are_read_as_docker_reads_them_and_e_wins() {
        let files = |path: &str| match path {
            "one.env" => Ok("# c\nA=\"quoted\"\nB=$HOME\nC=from-file\nPASS\n".to_owned()),
            _ => Err(format!("no {path}")),
        };
        let project = read(
            "docker run -e C=from-line --env-file one.env opennebula:5.13",
            &files,
        )
        .unwrap();
        let env = &project.containers[0].env;
        assert_eq!(env["A"], Value::Text("\"quoted\"".to_owned()));
        assert_eq!(env["B"], Value::Text("$HOME".to_owned()));
        assert_eq!(env["C"], Value::Text("from-line".to_owned()));
        assert_eq!(env["PASS"], Value::Env("PASS".to_owned()));
        assert_eq!(
            read("docker run --env-file gone.env opennebula:5.13", &files),
            Err(Unreadable::EnvFile(
                "gone.env".to_owned(),
                "no gone.env".to_owned()
            ))
        );
    }

    #[test]
    fn a_reference_page_command() {
        let text = "$ docker run -d --name opennebula \\\n  --privileged --restart unless-stopped \\\n  -p 2633:2634 -p 4124:4124/udp -p 127.0.0.1:80:80 \\\n  -e OPENNEBULA_FRONTEND_HOST=\"one example\" -e PASS=$PASS \\\n  -v opennebula_db:/var/lib/mysql -v /certs:/certs:ro \\\n  opennebula:5.13\n";
        let project = read(text, &no_files).unwrap();
        let c = &project.containers[0];
        assert_eq!(c.image.as_deref(), Some("opennebula:5.13"));
        assert_eq!(c.container_name.as_deref(), Some("opennebula"));
        assert!(c.privileged);
        assert_eq!(c.restart.as_deref(), Some("unless-stopped"));
        assert_eq!(
            c.ports[1],
            Port {
                address: None,
                published: Some(4124),
                target: 4124,
                protocol: Protocol::Udp
            }
        );
        assert_eq!(c.ports[2].address, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(
            c.env["OPENNEBULA_FRONTEND_HOST"],
            Value::Text("one example".to_owned())
        );
        assert_eq!(c.env["PASS"], Value::Env("PASS".to_owned()));
        assert_eq!(
            c.mounts[1],
            Mount {
                source: Source::Bind("/certs".to_owned()),
                target: "/certs".to_owned(),
                readonly: true
            }
        );
        assert_eq!(
            c.mounts[0].source,
            Source::Volume("opennebula_db".to_owned())
        );
        assert!(project.unsaid.is_empty(), "{:?}", project.unsaid);
    }

    #[test]
    fn what_is_not_understood_is_kept() {
        let project = read(
            "podman run --network host -h one --rm opennebula:5.13 bash -l",
            &no_files,
        )
        .unwrap();
        assert_eq!(project.runtime, Some(RuntimeKind::Podman));
        let kept: Vec<&Unsaid> = project.unsaid.iter().map(|(_, _, u)| u).collect();
        assert_eq!(
            kept,
            vec![
                &Unsaid::Flag("--network host".to_owned()),
                &Unsaid::Flag("-h one".to_owned()),
                &Unsaid::Command("bash -l".to_owned()),
            ]
        );
        assert_eq!(read("docker ps\n", &no_files), Err(Unreadable::NoCommand));
        assert_eq!(
            read("docker run -d\n", &no_files),
            Err(Unreadable::NoImage(1))
        );
    }
}
