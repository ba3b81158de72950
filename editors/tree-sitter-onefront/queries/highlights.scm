; Highlights of the onefront language, for Neovim, Helix, Zed and the
; tree-sitter CLI.
;
; Written from highlights.scm.in by `onefront editors` (`cargo run -- editors`):
; edit the .in, never the generated file. The word lists come from the pest
; grammar and the stdlib.
;
; Editors differ on which of two patterns capturing one node wins (Neovim: the
; later; Helix and the CLI: the earlier), so no two patterns here capture the
; same node: a known name and an unknown one are told apart by #any-of? and
; #not-any-of? over the same list, and names are captured by their place.

(comment) @comment

; Every keyword of the grammar (a query naming a word the grammar lacks does
; not compile, so this list also checks the grammar has every keyword).
[ "alternative-to" "anonymous" "applies" "at" "bind" "cap" "capabilities" "clashes-with-host" "compose" "container" "default" "default-layout" "default-restart" "deploy" "deployment" "directory" "doc" "env" "error" "every" "except" "extends" "external" "follows" "from" "image" "implicit" "in" "internal" "layout" "listen" "locates" "maintenance" "means" "mount" "named" "needs" "off" "on" "onefront" "pairs-with" "param" "per-service" "plain" "privileged" "protocols" "publish" "published" "readonly" "reads" "reference" "renamed-from" "required" "restart" "right" "rootless" "rule" "runs" "runs-everything" "runs-nothing" "runtime" "same" "secret" "service" "sets" "ssh" "table" "tls" "unshared" "used-by" "volume" "wants" "warning" "when" "without" "wrong" ] @keyword

(boolean) @constant.builtin.boolean

; `onefront 5.13`, `reference opennebula 5.13`
(version) @number

; ---------------------------------------------------------------------------
; Parameters: a name in `env { }` is known when the image has it; any other,
; a misspelt one or a deploy parameter (DEPLOY_*, set by `image`, `bind` and
; `publish`), is an error.
; ---------------------------------------------------------------------------

(assignment
  name: (param_name) @constant
  (#any-of? @constant "DIND_ENABLED" "DIND_HOST" "DIND_SOCKET" "DIND_TCP_ENABLED" "ETCD_HOST" "ETCD_ROOT_PASSWORD" "FIREEDGE_HOST" "GUACD_HOST" "MAINTENANCE_MODE" "MEMCACHED_HOST" "MONITORD_PORT" "MYSQL_DATABASE" "MYSQL_HOST" "MYSQL_PASSWORD" "MYSQL_PORT" "MYSQL_ROOT_PASSWORD" "MYSQL_USER" "ONEADMIN_PASSWORD" "ONEADMIN_SSH_PRIVKEY" "ONEADMIN_SSH_PRIVKEY_BASE64" "ONEADMIN_SSH_PUBKEY" "ONEADMIN_SSH_PUBKEY_BASE64" "ONED_DB_BACKUP_ENABLED" "ONED_HOST" "ONEFLOW_HOST" "ONEGATE_PORT" "ONEPROVISION_HOST" "OPENNEBULA_BATCH_FILE" "OPENNEBULA_CUSTOMER_TOKEN" "OPENNEBULA_FRONTEND_HOST" "OPENNEBULA_FRONTEND_ONECFG_PATCH" "OPENNEBULA_FRONTEND_POSTHOOK" "OPENNEBULA_FRONTEND_PREHOOK" "OPENNEBULA_FRONTEND_SERVICE" "OPENNEBULA_FRONTEND_SSH_HOST" "OPENNEBULA_HOST" "OPENNEBULA_ONECFG_PATCH" "OPENNEBULA_ONEGATE_HOST" "OPENNEBULA_POSTBOOTSTRAP_HOOK" "OPENNEBULA_PREBOOTSTRAP_HOOK" "OPENNEBULA_SERVICE" "OPENNEBULA_SSH_HOST" "SUNSTONE_HTTPS_ENABLED" "SUNSTONE_PORT" "SUNSTONE_TLS_PORT" "SUNSTONE_VNC_PORT" "TLS_CERT" "TLS_CERT_BASE64" "TLS_DOMAIN_LIST" "TLS_KEY" "TLS_KEY_BASE64" "TLS_PROXY_ENABLED" "TLS_VALID_DAYS"))

(assignment
  name: (param_name) @comment.error
  (#not-any-of? @comment.error "DIND_ENABLED" "DIND_HOST" "DIND_SOCKET" "DIND_TCP_ENABLED" "ETCD_HOST" "ETCD_ROOT_PASSWORD" "FIREEDGE_HOST" "GUACD_HOST" "MAINTENANCE_MODE" "MEMCACHED_HOST" "MONITORD_PORT" "MYSQL_DATABASE" "MYSQL_HOST" "MYSQL_PASSWORD" "MYSQL_PORT" "MYSQL_ROOT_PASSWORD" "MYSQL_USER" "ONEADMIN_PASSWORD" "ONEADMIN_SSH_PRIVKEY" "ONEADMIN_SSH_PRIVKEY_BASE64" "ONEADMIN_SSH_PUBKEY" "ONEADMIN_SSH_PUBKEY_BASE64" "ONED_DB_BACKUP_ENABLED" "ONED_HOST" "ONEFLOW_HOST" "ONEGATE_PORT" "ONEPROVISION_HOST" "OPENNEBULA_BATCH_FILE" "OPENNEBULA_CUSTOMER_TOKEN" "OPENNEBULA_FRONTEND_HOST" "OPENNEBULA_FRONTEND_ONECFG_PATCH" "OPENNEBULA_FRONTEND_POSTHOOK" "OPENNEBULA_FRONTEND_PREHOOK" "OPENNEBULA_FRONTEND_SERVICE" "OPENNEBULA_FRONTEND_SSH_HOST" "OPENNEBULA_HOST" "OPENNEBULA_ONECFG_PATCH" "OPENNEBULA_ONEGATE_HOST" "OPENNEBULA_POSTBOOTSTRAP_HOOK" "OPENNEBULA_PREBOOTSTRAP_HOOK" "OPENNEBULA_SERVICE" "OPENNEBULA_SSH_HOST" "SUNSTONE_HTTPS_ENABLED" "SUNSTONE_PORT" "SUNSTONE_TLS_PORT" "SUNSTONE_VNC_PORT" "TLS_CERT" "TLS_CERT_BASE64" "TLS_DOMAIN_LIST" "TLS_KEY" "TLS_KEY_BASE64" "TLS_PROXY_ENABLED" "TLS_VALID_DAYS"))

; The stdlib defines and names parameters (deploy parameters too): known by
; construction.
(param_def name: (param_name) @constant)
(deploy_def name: (param_name) @constant)
[
  (pairs_stmt (param_name) @constant)
  (alternative_stmt (param_name) @constant)
  (when_stmt (param_name) @constant)
  (follows_stmt (param_name) @constant)
  (sets_stmt (param_name) @constant)
  (external_def (param_name) @constant)
  (internal_def (param_name) @constant)
  (bind_def (param_name) @constant)
  (default_stmt (param_name) @constant)
  (renamed_stmt (param_name) @constant)
]

; ---------------------------------------------------------------------------
; Names
; ---------------------------------------------------------------------------

; What the file defines: deployments, containers, the reference.
(deployment name: (identifier) @type)
(reference name: (identifier) @type)
(container_block name: (identifier) @type)
(layout_container name: (identifier) @type)
(reference_container name: (identifier) @type)

; Services: after `runs`, `external`, `without`, `on`, `needs`, ...
(container_block
  service: (identifier) @constant.builtin
  (#any-of? @constant.builtin "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
(container_block
  service: (identifier) @variable
  (#not-any-of? @variable "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
(external_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
(external_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
((name_list (identifier) @constant.builtin)
  (#any-of? @constant.builtin "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
((name_list (identifier) @variable)
  (#not-any-of? @variable "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))

; The stdlib's own service names and the places it names one.
(service_def name: (identifier) @constant.builtin)
[
  (listen_def service: (identifier) @constant.builtin)
  (publish_def service: (identifier) @constant.builtin)
  (layout_container service: (identifier) @constant.builtin)
  (mounted_stmt service: (identifier) @constant.builtin)
]
[
  (means_stmt name: (identifier) @constant)
  (table_stmt name: (identifier) @constant)
  (locates_stmt name: (identifier) @constant)
  (applies_stmt name: (identifier) @constant)
  (applies_every name: (identifier) @constant)
  (sets_stmt name: (identifier) @constant)
  (cap_stmt name: (identifier) @constant)
]

; Layouts, restart policies, runtimes, Compose flavours.
(layout_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "all-in-one" "custom" "reference"))
(layout_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "all-in-one" "custom" "reference"))
(layout_def name: (identifier) @constant.builtin)
(default_layout_stmt name: (identifier) @constant.builtin)
(default_restart_stmt name: (identifier) @constant.builtin)
(restart_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "always" "no" "on-failure" "unless-stopped"))
(restart_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "always" "no" "on-failure" "unless-stopped"))
(runtime_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "docker" "podman"))
(runtime_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "docker" "podman"))
(compose_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "v1" "v2"))
(compose_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "v1" "v2"))

; Volumes of a deployment and of the stdlib.
(volume_stmt
  name: (identifier) @constant.builtin
  (#any-of? @constant.builtin "opennebula_backups_db" "opennebula_datastores" "opennebula_db" "opennebula_etcd" "opennebula_etcd_secrets" "opennebula_fireedge" "opennebula_logs" "opennebula_mysql" "opennebula_oneadmin_auth" "opennebula_oneadmin_ssh" "opennebula_oneadmin_ssh_copyback" "opennebula_oneadmin_ssh_provision" "opennebula_oneprovision_ssh" "opennebula_secret_db" "opennebula_secret_sshd" "opennebula_secret_tls" "opennebula_shared_tmp" "opennebula_shared_vmrc" "opennebula_srv"))
(volume_stmt
  name: (identifier) @variable
  (#not-any-of? @variable "opennebula_backups_db" "opennebula_datastores" "opennebula_db" "opennebula_etcd" "opennebula_etcd_secrets" "opennebula_fireedge" "opennebula_logs" "opennebula_mysql" "opennebula_oneadmin_auth" "opennebula_oneadmin_ssh" "opennebula_oneadmin_ssh_copyback" "opennebula_oneadmin_ssh_provision" "opennebula_oneprovision_ssh" "opennebula_secret_db" "opennebula_secret_sshd" "opennebula_secret_tls" "opennebula_shared_tmp" "opennebula_shared_vmrc" "opennebula_srv"))
(volume_def name: (identifier) @constant.builtin)
(layout_volume name: (identifier) @constant.builtin)

; Port roles: `publish sunstone.http 8080`.
((role) @constant.builtin
  (#any-of? @constant.builtin "monitord" "oned.api" "oneflow.api" "onegate.api" "ssh" "sunstone.http" "sunstone.https" "sunstone.vnc"))
((role) @variable
  (#not-any-of? @variable "monitord" "oned.api" "oneflow.api" "onegate.api" "ssh" "sunstone.http" "sunstone.https" "sunstone.vnc"))

; Rules of the stdlib: `rule N7 warning "..."`.
((rule_id) @constant.builtin
  (#any-of? @constant.builtin "C1" "C10" "C11" "C2" "C3" "C4" "C5" "C6" "C7" "C8" "C9" "D1" "D2" "D3" "D4" "D5" "D6" "D7" "N1" "N2" "N3" "N4" "N5" "N6" "N7" "O1" "O2" "O3" "O4" "O5" "O6" "P1" "P10" "P2" "P3" "P4" "P5" "P6" "P7" "P8" "P9" "R1" "R2" "R3" "R4" "R5" "R6"))
((rule_id) @variable
  (#not-any-of? @variable "C1" "C10" "C11" "C2" "C3" "C4" "C5" "C6" "C7" "C8" "C9" "D1" "D2" "D3" "D4" "D5" "D6" "D7" "N1" "N2" "N3" "N4" "N5" "N6" "N7" "O1" "O2" "O3" "O4" "O5" "O6" "P1" "P10" "P2" "P3" "P4" "P5" "P6" "P7" "P8" "P9" "R1" "R2" "R3" "R4" "R5" "R6"))

(type_name) @type

; ---------------------------------------------------------------------------
; Values
; ---------------------------------------------------------------------------

(string) @string
(escape_sequence) @string.escape
(invalid_escape) @comment.error
(integer) @number
[(ipv4) (ipv6)] @string.special
(path) @string.special.path
(protocol) @constant.builtin
(every) @operator

; An enum word: a service name in `OPENNEBULA_FRONTEND_SERVICE = oned`.
((word) @constant.builtin
  (#any-of? @constant.builtin "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))
((word) @variable
  (#not-any-of? @variable "all" "docker" "etcd" "fireedge" "guacd" "memcached" "mysqld" "none" "oned" "oneflow" "onegate" "oneprovision" "scheduler" "sshd" "sunstone"))

; ---------------------------------------------------------------------------
; Punctuation
; ---------------------------------------------------------------------------

["{" "}" "[" "]" "(" ")"] @punctuation.bracket
["," ":" "/"] @punctuation.delimiter
"=" @operator
