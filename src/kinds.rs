//! The closed sets of words the language and the generated files share:
//! container runtimes, Compose flavours, restart policies and protocols.
//! Below every stage, so that no stage compares these as strings.

use std::fmt;

/// A closed set of words, each spelled one way.
pub trait Word: Copy + Sized + 'static {
    /// The variant spelled `text`, if any.
    fn parse(text: &str) -> Option<Self>;
    /// Every spelling, in the order the language lists them.
    fn names() -> Vec<&'static str>;
}

/// Defines a kind: a fieldless enum with one spelling per variant, as the
/// language, the stdlib and the generated files write it.
macro_rules! kind {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every variant, in the order the language lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling of the language and of generated files.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

        }

        impl Word for $name {
            fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == text)
            }

            fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|k| k.as_str()).collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kind! {
    /// The container engine that runs a deployment.
    RuntimeKind {
        Docker = "docker",
        Podman = "podman",
    }
}

kind! {
    /// The Compose file format and tool a deployment is written for.
    ComposeFlavour {
        /// `docker compose` (Compose v2), which reads `name:`.
        V2 = "v2",
        /// `docker-compose` 1.27 and later, file format 3.7.
        V1 = "v1",
    }
}

kind! {
    /// The restart policies Compose knows.
    RestartPolicy {
        Always = "always",
        UnlessStopped = "unless-stopped",
        OnFailure = "on-failure",
        No = "no",
    }
}

kind! {
    /// What a statement of the language sets: the stdlib marks the
    /// parameter or deploy parameter that each of these stands for
    /// (`means service`), so that no Rust names one.
    Meaning {
        /// The parameter that says which service a container runs.
        Service = "service",
        /// The parameter of `maintenance yes` (rule R3).
        Maintenance = "maintenance",
        /// The parameter that makes a container need privileges (C1).
        Privileged = "privileged",
        /// The parameter naming the SSH host that nodes connect to (N6).
        SshHost = "ssh-host",
        /// The parameter naming the address users reach the front-end at,
        /// which the SSH and OneGate hosts take when unset (P10, D4).
        FrontEndHost = "front-end-host",
        /// The parameter naming the host VMs reach OneGate at (P10, D4).
        OnegateHost = "onegate-host",
        /// The deploy parameters that `image` splits into.
        ImageRegistry = "image-registry",
        ImageName = "image-name",
        ImageTag = "image-tag",
        /// The deploy parameter of the SSH address (`bind ssh`).
        BindSsh = "bind-ssh",
        /// The deploy parameter of OneGate's own bind address (D4).
        BindOnegate = "bind-onegate",
        /// The deploy parameter holding every container's restart policy
        /// (`restart`), where the reference has one.
        Restart = "restart",
        /// The deploy parameter holding the `AppArmor` profile of the
        /// containers it applies to.
        Apparmor = "apparmor",
    }
}

kind! {
    /// The transport protocol of a port.
    Protocol {
        Tcp = "tcp",
        Udp = "udp",
    }
}

/// The container runtime of a deployment: the engine, and whether it runs
/// as an unprivileged user (rootless Podman).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    pub kind: RuntimeKind,
    pub rootless: bool,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime {
            kind: RuntimeKind::Docker,
            rootless: false,
        }
    }
}

impl Runtime {
    /// Whether the deployment runs as a user (rootless Podman), not root.
    #[must_use]
    pub fn as_user(self) -> bool {
        self.kind == RuntimeKind::Podman && self.rootless
    }
}

/// The program that reads a deployment's compose file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposeTool {
    /// `docker compose` (Compose v2).
    DockerV2,
    /// `docker-compose` 1.x.
    DockerV1,
    /// `podman-compose`.
    Podman,
}

impl ComposeTool {
    /// The tool for a runtime and a Compose flavour: Podman always reads its
    /// files with podman-compose.
    #[must_use]
    pub fn of(runtime: Runtime, flavour: ComposeFlavour) -> Self {
        match (runtime.kind, flavour) {
            (RuntimeKind::Podman, _) => ComposeTool::Podman,
            (RuntimeKind::Docker, ComposeFlavour::V1) => ComposeTool::DockerV1,
            (RuntimeKind::Docker, ComposeFlavour::V2) => ComposeTool::DockerV2,
        }
    }

    /// How a user types the tool.
    #[must_use]
    pub fn command(self) -> &'static str {
        match self {
            ComposeTool::DockerV2 => "docker compose",
            ComposeTool::DockerV1 => "docker-compose",
            ComposeTool::Podman => "podman-compose",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ComposeFlavour, Protocol, RestartPolicy, RuntimeKind, Word};

    #[test]
    fn every_spelling_parses_back() {
        for k in RestartPolicy::ALL {
            assert_eq!(RestartPolicy::parse(k.as_str()), Some(*k));
        }
        assert_eq!(RuntimeKind::names(), ["docker", "podman"]);
        assert_eq!(ComposeFlavour::parse("v3"), None);
        assert_eq!(Protocol::Udp.to_string(), "udp");
    }
}
