/**
 * @file The onefront language (`.onefront` files): users' deployment files
 * and the stdlib's `reference` blocks.
 *
 * A port of `grammar/onefront.pest`, the source of truth of the syntax. Rule
 * names follow the pest rules where a node is useful to queries; pest's
 * silent rules (`_{ }`) are hidden rules here (`_name`). Keywords are not
 * reserved, as in pest: `word` keyword extraction makes a keyword only where
 * the grammar expects it, so `container restart` names a container.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/** `a, b, c`: one or more `rule` separated by commas. */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

/**
 * A statement that is one keyword, as a node holding the keyword: a rule that
 * is only a string would become that token itself, and the keyword would be
 * missing from queries.
 */
function lone(keyword) {
  return seq(keyword, blank());
}

/** `KEYWORD NAME... { STMT* }`: the shape of every block. */
function block(head, statement) {
  return seq(...head, '{', repeat(statement), '}');
}

module.exports = grammar({
  name: 'onefront',

  // pest: WHITESPACE = " " | "\t" | NEWLINE; COMMENT = "#" to the end of the line.
  extras: $ => [/[ \t\r\n]/, $.comment],

  // Every keyword is a string matching this token: the lexer reads a word,
  // then makes it a keyword only where the parser can take that keyword.
  word: $ => $.identifier,

  rules: {
    // pest: file = SOI ~ "\u{FEFF}"? ~ header ~ item* ~ EOI, where `~` lets
    // whitespace and comments in. The tree-sitter lexer itself skips a byte
    // order mark at the very start; this one comes after them.
    source_file: $ => seq(
      optional($._byte_order_mark),
      $.header,
      repeat(choice($.deployment, $.reference)),
    ),
    _byte_order_mark: _ => '\uFEFF',

    header: $ => seq('onefront', $.version),

    version: _ => token(prec(1, /[0-9]+(\.[0-9]+)+/)),

    comment: _ => token(seq('#', /[^\r\n]*/)),

    // -----------------------------------------------------------------------
    // Users' files
    // -----------------------------------------------------------------------

    deployment: $ => block(['deployment', field('name', $.identifier)], $._deployment_stmt),

    _deployment_stmt: $ => choice(
      $.image_stmt,
      $.layout_stmt,
      $.bind_stmt,
      $.restart_stmt,
      $.maintenance_stmt,
      $.env_block,
      $.publish_stmt,
      $.volume_stmt,
      $.mount_stmt,
      $.without_stmt,
      $.external_stmt,
      $.container_block,
      $.runtime_stmt,
      $.compose_stmt,
    ),

    image_stmt: $ => seq('image', $.string),
    layout_stmt: $ => seq('layout', field('name', $.identifier)),
    bind_stmt: $ => seq('bind', optional('ssh'), $._address),
    restart_stmt: $ => seq('restart', field('name', $.identifier)),
    maintenance_stmt: $ => seq('maintenance', $.boolean),
    runtime_stmt: $ => seq('runtime', field('name', $.identifier), optional('rootless')),
    compose_stmt: $ => seq('compose', field('name', $.identifier)),

    env_block: $ => block(['env'], $.assignment),
    assignment: $ => seq(field('name', $.param_name), '=', field('value', $._value)),

    publish_stmt: $ => seq(
      'publish',
      field('role', $.role),
      choice('off', seq($.host_port, optional(seq('from', $.port_side)))),
    ),
    // pest: host_port = ${ (address ~ ":")? ~ integer }, no space inside.
    host_port: $ => choice(
      $.integer,
      seq($._address, token.immediate(':'), alias(token.immediate(/[0-9]+/), $.integer)),
    ),
    port_side: _ => choice('tls', 'plain'),

    volume_stmt: $ => seq(
      'volume',
      field('name', $.identifier),
      choice($.named_volume, $.bind_volume, $.anonymous_volume),
    ),
    anonymous_volume: _ => lone('anonymous'),
    named_volume: $ => seq('named', optional($.string)),
    bind_volume: $ => seq('bind', $.path, optional('readonly')),

    mount_stmt: $ => seq('mount', $.path, 'at', $.path, optional('readonly')),
    without_stmt: $ => seq('without', $.name_list),
    external_stmt: $ => seq('external', field('name', $.identifier), choice($.string, $._address)),

    container_block: $ => block(
      ['container', field('name', $.identifier), optional(seq('runs', field('service', $.identifier)))],
      $._container_stmt,
    ),
    _container_stmt: $ => choice(
      $.env_block,
      $.volume_stmt,
      $.mount_stmt,
      $.privileged_set,
      $.capabilities_stmt,
    ),
    privileged_set: $ => seq('privileged', $.boolean),
    capabilities_stmt: $ => seq('capabilities', $.list),

    // -----------------------------------------------------------------------
    // The stdlib: a reference described in the same language
    // -----------------------------------------------------------------------

    reference: $ => block(
      ['reference', field('name', $.identifier), $.version, optional(seq('extends', field('extends', $.version)))],
      $._reference_stmt,
    ),

    _reference_stmt: $ => choice(
      $.doc_stmt,
      $.service_def,
      $.param_def,
      $.listen_def,
      $.volume_def,
      $.directory_def,
      $.deploy_def,
      $.publish_def,
      $.layout_def,
      $.rule_def,
      $.default_layout_stmt,
      $.default_restart_stmt,
      $.default_stmt,
    ),
    default_layout_stmt: $ => seq('default-layout', field('name', $.identifier)),
    default_restart_stmt: $ => seq('default-restart', field('name', $.identifier)),
    default_stmt: $ => seq('default', field('name', $.param_name), '=', field('value', $._value)),

    doc_stmt: $ => seq('doc', $.string),

    service_def: $ => block(['service', field('name', $.identifier)], $._service_stmt),
    _service_stmt: $ => choice(
      $.doc_stmt,
      $.reference_container,
      $.privileged_stmt,
      $.cap_stmt,
      $.needs_stmt,
      $.wants_stmt,
      $.runs_everything_stmt,
      $.runs_nothing_stmt,
    ),
    runs_everything_stmt: _ => lone('runs-everything'),
    runs_nothing_stmt: _ => lone('runs-nothing'),
    needs_stmt: $ => seq('needs', $.name_list),
    wants_stmt: $ => seq('wants', $.name_list),
    reference_container: $ => seq('container', field('name', $.identifier)),
    privileged_stmt: _ => lone('privileged'),
    cap_stmt: $ => seq('cap', field('name', $.identifier)),

    param_def: $ => block(
      ['param', field('name', $.param_name), ':', $.type_expr, optional(seq('=', field('default', $._value)))],
      $._param_stmt,
    ),
    type_expr: $ => seq(field('name', alias($.identifier, $.type_name)), optional(seq('(', $.name_list, ')'))),
    _param_stmt: $ => choice(
      $.doc_stmt,
      $.table_stmt,
      $.reads_stmt,
      $.required_stmt,
      $.secret_stmt,
      $.locates_stmt,
      $.pairs_stmt,
      $.alternative_stmt,
      $.means_stmt,
      $.renamed_stmt,
    ),
    pairs_stmt: $ => seq('pairs-with', $.param_name),
    renamed_stmt: $ => seq('renamed-from', $.param_name),
    alternative_stmt: $ => seq('alternative-to', $.param_name),
    means_stmt: $ => seq('means', field('name', $.identifier)),
    table_stmt: $ => seq('table', field('name', $.identifier)),
    reads_stmt: $ => seq('reads', $._service_set),
    required_stmt: $ => seq('required', $._service_set),
    secret_stmt: _ => lone('secret'),
    locates_stmt: $ => seq('locates', field('name', $.identifier)),
    _service_set: $ => choice($.every, $.name_list),
    every: _ => '*',

    listen_def: $ => block(
      ['listen', $.port_proto, 'on', field('service', $.identifier)],
      $._listen_stmt,
    ),
    // pest: port_proto = ${ integer ~ "/" ~ protocol }, no space inside.
    port_proto: $ => seq(
      $.integer,
      token.immediate('/'),
      alias(token.immediate(/tcp|udp/), $.protocol),
    ),
    protocol: _ => /tcp|udp/,
    _listen_stmt: $ => choice(
      $.doc_stmt,
      $.when_stmt,
      $.internal_stmt,
      $.published_stmt,
      $.follows_stmt,
    ),
    when_stmt: $ => seq('when', $.param_name),
    internal_stmt: _ => lone('internal'),
    published_stmt: _ => lone('published'),
    follows_stmt: $ => seq('follows', $.param_name),

    volume_def: $ => block(
      ['volume', field('name', $.identifier), 'at', $.path],
      $._volume_def_stmt,
    ),
    _volume_def_stmt: $ => choice($.doc_stmt, $.implicit_stmt, $.used_by_stmt, $.mounted_stmt),
    implicit_stmt: _ => lone('implicit'),
    used_by_stmt: $ => seq('used-by', $.name_list),
    mounted_stmt: $ => seq('mount', 'in', field('service', $.identifier), 'at', $.path),

    directory_def: $ => block(['directory', $.path], $._directory_stmt),
    _directory_stmt: $ => choice($.doc_stmt, $.implicit_stmt, $.unshared_stmt),
    unshared_stmt: _ => lone('unshared'),

    deploy_def: $ => block(
      ['deploy', field('name', $.param_name), ':', $.type_expr, optional(seq('=', field('default', $._value)))],
      $._deploy_stmt,
    ),
    _deploy_stmt: $ => choice($.doc_stmt, $.applies_stmt, $.sets_stmt, $.means_stmt, $.renamed_stmt),
    applies_stmt: $ => seq('applies', choice($.applies_every, field('name', $.identifier))),
    applies_every: $ => seq('every', optional(seq('except', field('name', $.identifier)))),
    sets_stmt: $ => seq('sets', $.param_name, optional(seq('in', field('name', $.identifier)))),

    publish_def: $ => block(
      ['publish', field('role', $.role), 'on', field('service', $.identifier)],
      $._publish_def_stmt,
    ),
    _publish_def_stmt: $ => choice(
      $.doc_stmt,
      $.external_def,
      $.internal_def,
      $.plain_def,
      $.tls_def,
      $.bind_def,
      $.protocols_def,
      $.clashes_def,
    ),
    external_def: $ => seq('external', $.param_name),
    internal_def: $ => seq('internal', choice('same', $.integer, $.param_name)),
    plain_def: $ => seq('plain', $.integer),
    tls_def: $ => seq('tls', $.integer),
    bind_def: $ => seq('bind', $.param_name),
    protocols_def: $ => seq('protocols', commaSep1($.protocol)),
    clashes_def: $ => seq('clashes-with-host', $.integer),

    layout_def: $ => block(['layout', field('name', $.identifier)], $._layout_body_stmt),
    _layout_body_stmt: $ => choice(
      $.doc_stmt,
      $.restart_stmt,
      $.env_block,
      $.per_service_stmt,
      $.layout_container,
    ),
    per_service_stmt: _ => lone('per-service'),
    layout_container: $ => block(
      ['container', field('name', $.identifier), 'runs', field('service', $.identifier)],
      $._layout_container_stmt,
    ),
    _layout_container_stmt: $ => choice($.privileged_stmt, $.cap_stmt, $.layout_volume),
    layout_volume: $ => seq('volume', field('name', $.identifier), 'at', $.path),

    rule_def: $ => block(
      ['rule', $.rule_id, $.severity, optional(seq(',', $.severity)), field('title', $.string)],
      $._rule_stmt,
    ),
    rule_id: _ => /[A-Z][0-9]+/,
    severity: _ => choice('error', 'warning'),
    _rule_stmt: $ => choice($.doc_stmt, $.wrong_stmt, $.right_stmt),
    wrong_stmt: $ => seq('wrong', $.string),
    right_stmt: $ => seq('right', $.string),

    // -----------------------------------------------------------------------
    // Values
    // -----------------------------------------------------------------------

    _value: $ => choice(
      $.secret,
      $.boolean,
      $.list,
      $.string,
      $._address,
      $.path,
      $.integer,
      alias($.identifier, $.word),
    ),

    secret: $ => seq('secret', optional(seq('(', $.string, ')'))),
    boolean: _ => choice('yes', 'no', 'true', 'false'),
    list: $ => seq('[', optional(seq(commaSep1($._value), optional(','))), ']'),

    // One line; escapes \" \\ \n \r \t \$ \u{HEX}. Any other escape parses
    // (as in pest) and is reported by the compiler: an `invalid_escape`.
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence, $.invalid_escape)),
      token.immediate('"'),
    ),
    // Above a comment: `"# x"` is a string, not a quote and a comment.
    string_content: _ => token.immediate(prec(2, /[^"\\\r\n]+/)),
    escape_sequence: _ => token.immediate(prec(2, /\\(["\\nrt$]|u\{[0-9A-Fa-f]{1,6}\})/)),
    invalid_escape: _ => token.immediate(prec(1, /\\[^\r\n]?/)),

    // Numbers, addresses and versions above identifiers, which may start
    // with a digit (`container 2nd`) only where no number can go.
    integer: _ => token(prec(1, /[0-9]+/)),

    _address: $ => choice($.ipv4, $.ipv6),
    ipv4: _ => token(prec(1, /[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}/)),
    // At least one colon, so that a list of one number `[1]` stays a list.
    ipv6: _ => /\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]/,

    path: _ => /\/[A-Za-z0-9\/._\-+@~,]*/,

    // Names: deployments, containers, services, volumes, layouts; pest's
    // `name`, `ident` and `type_name` (an identifier may start with a digit
    // only as a name, as in pest).
    identifier: _ => /[A-Za-z0-9_][A-Za-z0-9_-]*/,
    name_list: $ => commaSep1($.identifier),
    param_name: _ => token(prec(1, /[A-Z][A-Z0-9_]*/)),
    role: _ => /[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)?/,
  },
});
