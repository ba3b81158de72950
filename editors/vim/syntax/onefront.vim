" Vim syntax file
" Language:    onefront (OpenNebula front-end deployments, *.onefront)
" Source:      grammar/onefront.pest (the syntax) and the stdlib (the names)
"
" Edit syntax/onefront.vim.in, never syntax/onefront.vim: `onefront editors`
" writes the second from the first, filling every placeholder (LIST:FORMAT in
" double braces) with the keywords of the grammar or the names of the stdlib.
"
" Where a word stands decides what it is, as in the grammar: `reference` is a
" keyword in `reference opennebula 5.13 {` and a layout in `layout
" reference`. A keyword that names what follows it gets a `nextgroup`; the
" groups it points to are `contained`, so they match only there.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
" As in the grammar, a word goes on with `-` (`per-service`, `all-in-one`,
" `opennebula-oned`): a keyword matches only a whole word, and `\<`, `\>` end
" words where the grammar does. Set here, not in the ftplugin, so that the
" highlighting does not depend on it.
syn iskeyword a-z,A-Z,48-57,_,-
syn sync fromstart

" ---------------------------------------------------------------------------
" Comments, strings, values
" ---------------------------------------------------------------------------

syn keyword onefrontTodo contained TODO FIXME XXX NOTE
syn match onefrontComment "#.*$" contains=onefrontTodo,@Spell

" Strings are one line long: an unterminated one ends with its line.
syn region onefrontString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline
      \ contains=onefrontEscape,onefrontBadEscape
" Any other backslash is an error; defined first, so the escapes win.
syn match onefrontBadEscape contained +\\.\=+
syn match onefrontEscape contained +\\["\\nrt$]+
syn match onefrontEscape contained +\\u{\x\{1,6}}+
" A surrogate or a number past U+10FFFF has the shape but is no character.
syn match onefrontBadEscape contained +\\u{0*\%([dD][89abAB]\x\x\|[2-9a-fA-F]\x\{5}\|1[1-9a-fA-F]\x\{4}\)}+

" Numbers, versions (`5.13`), IPv4 and IPv6 addresses: at one position the
" item defined last wins, so an address beats a version beats a number.
syn match onefrontNumber "\<\d\+\>"
syn match onefrontVersion "\<\d\+\%(\.\d\+\)\+\>"
syn match onefrontAddress "\<\d\{1,3}\%(\.\d\{1,3}\)\{3}\>\.\@!" nextgroup=onefrontPortColon
" A list `[A, B]` unless the brackets hold a `:`: then an IPv6 address.
syn region onefrontList matchgroup=onefrontDelimiter start="\[" end="\]"
      \ contains=@onefrontValue,onefrontDelimiter,onefrontComment
syn match onefrontAddress "\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]" nextgroup=onefrontPortColon
" `192.168.1.1:8080`, `[::1]:5900`
syn match onefrontPortColon contained ":\ze\d" nextgroup=onefrontPort
syn match onefrontPort contained "\<\d\+\>\.\@!"
" `2633/tcp` (the stdlib's `listen`)
syn match onefrontPort "\<\d\+\ze/\%(tcp\|udp\)\>" nextgroup=onefrontProtoSlash
syn match onefrontProtoSlash contained "/" nextgroup=onefrontProtocol
syn match onefrontProtocol contained "\<\%(tcp\|udp\)\>"

" Unquoted paths: `/srv/one/datastores`, `/var/lib/one/.ssh`.
syn match onefrontPath "\k\@<!/[[:alnum:]/._+@~,-]*"

" A bare word as a value, unless `=` follows (then it is the next name).
syn match onefrontWord contained "\<\h\k*\>\%(\s*=\)\@!"
syn keyword onefrontSecret contained secret
syn cluster onefrontValue contains=onefrontSecret,onefrontBoolean,onefrontString,onefrontAddress,onefrontPath,onefrontNumber,onefrontVersion,onefrontList,onefrontWord

syn match onefrontDelimiter "[{}(),]"
syn match onefrontOperator "=" nextgroup=@onefrontValue skipwhite skipnl skipempty
" `param NAME: TYPE` and `deploy NAME: TYPE` (the stdlib)
syn match onefrontOperator ":" nextgroup=onefrontType skipwhite
syn match onefrontType contained "\<\h\k*\>"

" ---------------------------------------------------------------------------
" Keywords: every keyword of the grammar, then those that say what follows
" ---------------------------------------------------------------------------

syn keyword onefrontKeyword alternative-to anonymous applies at bind cap capabilities clashes-with-host compose container default default-layout default-restart deploy deployment directory doc env error every except extends external follows from image implicit in internal layout listen locates maintenance means mount named needs off on onefront pairs-with param per-service plain privileged protocols publish published readonly reads reference renamed-from required restart right rootless rule runs runs-everything runs-nothing runtime same secret service sets ssh table tls unshared used-by volume wants warning when without wrong
syn keyword onefrontBoolean false no true yes

" A keyword defined again wins over its first definition (Vim looks up the
" newest first); these add what may follow. Every word here is a keyword of
" the grammar (a test checks it).
syn keyword onefrontKeyword onefront nextgroup=onefrontVersion skipwhite
syn keyword onefrontKeyword deployment nextgroup=onefrontDeploymentName skipwhite skipnl skipempty
syn keyword onefrontKeyword reference nextgroup=onefrontReferenceName skipwhite
syn keyword onefrontKeyword container nextgroup=onefrontContainerName skipwhite
syn keyword onefrontKeyword applies nextgroup=onefrontKeyword,onefrontContainerName skipwhite
syn keyword onefrontKeyword except nextgroup=onefrontContainerName skipwhite
" `sets NAME in CONTAINER`, and the stdlib's `mount in SERVICE at PATH`
syn keyword onefrontKeyword in nextgroup=onefrontServiceName,onefrontContainerName skipwhite
syn keyword onefrontKeyword runs on service locates nextgroup=onefrontServiceName,onefrontName skipwhite
syn keyword onefrontKeyword needs wants used-by without reads required nextgroup=onefrontServiceList skipwhite
syn keyword onefrontKeyword external nextgroup=@onefrontParameterSlot,onefrontServiceName,onefrontName skipwhite
syn keyword onefrontKeyword param deploy pairs-with alternative-to when follows sets nextgroup=@onefrontParameterSlot skipwhite
syn keyword onefrontKeyword bind nextgroup=@onefrontParameterSlot skipwhite
syn keyword onefrontKeyword internal nextgroup=@onefrontParameterSlot,onefrontPort,onefrontKeyword skipwhite
syn keyword onefrontKeyword tls plain nextgroup=onefrontPort skipwhite
syn keyword onefrontKeyword publish nextgroup=onefrontRole,onefrontName skipwhite
syn keyword onefrontKeyword layout nextgroup=onefrontLayoutName,onefrontName skipwhite
syn keyword onefrontKeyword volume nextgroup=onefrontVolumeName skipwhite
syn keyword onefrontKeyword restart nextgroup=onefrontRestartPolicy,onefrontName skipwhite
syn keyword onefrontKeyword runtime nextgroup=onefrontRuntime,onefrontName skipwhite
syn keyword onefrontKeyword compose nextgroup=onefrontComposeFlavour,onefrontName skipwhite
syn keyword onefrontKeyword protocols nextgroup=onefrontProtocolList skipwhite
syn keyword onefrontKeyword rule nextgroup=onefrontRuleName,onefrontName skipwhite
syn keyword onefrontKeyword env nextgroup=onefrontEnvBlock skipwhite skipnl skipempty

" ---------------------------------------------------------------------------
" Names, where the grammar puts them
" ---------------------------------------------------------------------------

" A name of the grammar (`name`): letters, digits, `_`, `-`.
syn match onefrontName contained "\<\k\+\>"
syn match onefrontDeploymentName contained "\<\k\+\>"
syn match onefrontContainerName contained "\<\k\+\>"
syn match onefrontVolumeName contained "\<\k\+\>"
syn match onefrontReferenceName contained "\<\k\+\>" nextgroup=onefrontVersion skipwhite

" Known names of the stdlib; another name in their place is only a name.
syn keyword onefrontServiceName contained all docker etcd fireedge guacd memcached mysqld none oned oneflow onegate oneprovision scheduler sshd sunstone
syn keyword onefrontLayoutName contained all-in-one custom reference
syn keyword onefrontRestartPolicy contained always no on-failure unless-stopped
syn keyword onefrontRuntime contained docker podman
syn keyword onefrontComposeFlavour contained v1 v2
syn keyword onefrontRuleName contained C1 C10 C11 C2 C3 C4 C5 C6 C7 C8 C9 D1 D2 D3 D4 D5 D6 D7 N1 N2 N3 N4 N5 N6 N7 O1 O2 O3 O4 O5 O6 P1 P10 P2 P3 P4 P5 P6 P7 P8 P9 R1 R2 R3 R4 R5 R6
syn match onefrontServiceList contained "\*\|\<\k\+\>\%(\s*,\s*\<\k\+\>\)*"
      \ contains=onefrontEvery,onefrontServiceName,onefrontDelimiter
syn match onefrontEvery contained "\*"
syn match onefrontProtocolList contained "\<\k\+\>\%(\s*,\s*\<\k\+\>\)*"
      \ contains=onefrontProtocol,onefrontDelimiter

" `publish ROLE PORT`, `publish ROLE ADDRESS:PORT`, `publish ROLE off`, and
" the stdlib's `publish ROLE on SERVICE`.
syn match onefrontName contained "\<\h\k*\%(\.\h\k*\)\=\>" nextgroup=onefrontPort,onefrontAddress,onefrontKeyword skipwhite
syn match onefrontRole contained "\<\%(sunstone[.]https\|sunstone[.]http\|sunstone[.]vnc\|oneflow[.]api\|onegate[.]api\|monitord\|oned[.]api\|ssh\)\>" nextgroup=onefrontPort,onefrontAddress,onefrontKeyword skipwhite

" ---------------------------------------------------------------------------
" Parameters
" ---------------------------------------------------------------------------

" A parameter-shaped word where a parameter goes is an error unless the
" stdlib knows it: a keyword beats a match that starts where it does.
syn match onefrontUnknownParameter contained "\<\u[A-Z0-9_]*\>"
syn keyword onefrontParameter contained DIND_ENABLED DIND_HOST DIND_SOCKET DIND_TCP_ENABLED ETCD_HOST ETCD_ROOT_PASSWORD FIREEDGE_HOST GUACD_HOST MAINTENANCE_MODE MEMCACHED_HOST MONITORD_PORT MYSQL_DATABASE MYSQL_HOST MYSQL_PASSWORD MYSQL_PORT MYSQL_ROOT_PASSWORD MYSQL_USER ONEADMIN_PASSWORD ONEADMIN_SSH_PRIVKEY ONEADMIN_SSH_PRIVKEY_BASE64 ONEADMIN_SSH_PUBKEY ONEADMIN_SSH_PUBKEY_BASE64 ONED_DB_BACKUP_ENABLED ONED_HOST ONEFLOW_HOST ONEGATE_PORT ONEPROVISION_HOST OPENNEBULA_BATCH_FILE OPENNEBULA_CUSTOMER_TOKEN OPENNEBULA_FRONTEND_HOST OPENNEBULA_FRONTEND_ONECFG_PATCH OPENNEBULA_FRONTEND_POSTHOOK OPENNEBULA_FRONTEND_PREHOOK OPENNEBULA_FRONTEND_SERVICE OPENNEBULA_FRONTEND_SSH_HOST OPENNEBULA_HOST OPENNEBULA_ONECFG_PATCH OPENNEBULA_ONEGATE_HOST OPENNEBULA_POSTBOOTSTRAP_HOOK OPENNEBULA_PREBOOTSTRAP_HOOK OPENNEBULA_SERVICE OPENNEBULA_SSH_HOST SUNSTONE_HTTPS_ENABLED SUNSTONE_PORT SUNSTONE_TLS_PORT SUNSTONE_VNC_PORT TLS_CERT TLS_CERT_BASE64 TLS_DOMAIN_LIST TLS_KEY TLS_KEY_BASE64 TLS_PROXY_ENABLED TLS_VALID_DAYS
" Deploy parameters (DEPLOY_*) are known only where the stdlib defines or
" names them (`deploy`, `external`, `internal`, `bind` of a published role);
" `image`, `bind` and `publish` set them, so in an env block they are errors.
syn keyword onefrontDeployParameter contained DEPLOY_APPARMOR_PROFILE DEPLOY_BIND_ADDR DEPLOY_BIND_ONEGATE_ADDR DEPLOY_BIND_SSH_ADDR DEPLOY_MONITORD_EXTERNAL_PORT DEPLOY_ONED_EXTERNAL_PORT DEPLOY_ONED_INTERNAL_PORT DEPLOY_ONEFLOW_EXTERNAL_PORT DEPLOY_ONEFLOW_INTERNAL_PORT DEPLOY_ONEGATE_EXTERNAL_PORT DEPLOY_ONEGATE_INTERNAL_PORT DEPLOY_OPENNEBULA_IMAGE_NAME DEPLOY_OPENNEBULA_IMAGE_TAG DEPLOY_OPENNEBULA_REGISTRY DEPLOY_RESTART_POLICY DEPLOY_SSH_EXTERNAL_PORT DEPLOY_SUNSTONE_EXTERNAL_PORT DEPLOY_SUNSTONE_EXTERNAL_TLS_PORT DEPLOY_SUNSTONE_EXTERNAL_VNC_PORT DEPLOY_VOLUME_DATASTORES
syn cluster onefrontParameterSlot contains=onefrontUnknownParameter,onefrontParameter,onefrontDeployParameter

" What may stand anywhere (`contains=TOP,x` would mean all but x).
syn cluster onefrontTop contains=onefrontComment,onefrontString,onefrontNumber,onefrontVersion,onefrontAddress,onefrontList,onefrontPath,onefrontDelimiter,onefrontOperator,onefrontKeyword,onefrontBoolean

" `env { NAME = VALUE ... }`: a name before `=` is a parameter; a value
" comes through `=` (its nextgroup), so a word there is a value, not a name.
syn region onefrontEnvBlock contained matchgroup=onefrontDelimiter start="{" end="}"
      \ contains=@onefrontTop,onefrontUnknownParameter,onefrontParameter,onefrontEnvBadName
" A name in lower case before `=` is no parameter at all.
syn match onefrontEnvBadName contained "\<\l\k*\>\ze\s*="

" ---------------------------------------------------------------------------
" Links to the standard groups
" ---------------------------------------------------------------------------

hi def link onefrontTodo              Todo
hi def link onefrontComment           Comment
hi def link onefrontString            String
hi def link onefrontEscape            SpecialChar
hi def link onefrontBadEscape         Error
hi def link onefrontNumber            Number
hi def link onefrontPort              Number
hi def link onefrontVersion           Float
hi def link onefrontAddress           Constant
hi def link onefrontPath              String
hi def link onefrontProtocol          Constant
hi def link onefrontProtoSlash        onefrontDelimiter
hi def link onefrontPortColon         onefrontDelimiter
hi def link onefrontSecret            Special
hi def link onefrontDelimiter         Delimiter
hi def link onefrontOperator          Operator
hi def link onefrontEvery             Operator
hi def link onefrontType              Type
hi def link onefrontKeyword           Keyword
hi def link onefrontBoolean           Boolean
hi def link onefrontDeploymentName    Function
hi def link onefrontContainerName     Function
hi def link onefrontReferenceName     Function
hi def link onefrontVolumeName        StorageClass
hi def link onefrontServiceName       Type
hi def link onefrontRole              Tag
hi def link onefrontLayoutName        Constant
hi def link onefrontRestartPolicy     Constant
hi def link onefrontRuntime           Constant
hi def link onefrontComposeFlavour    Constant
hi def link onefrontRuleName          Label
hi def link onefrontParameter         Identifier
hi def link onefrontDeployParameter   Identifier
hi def link onefrontUnknownParameter  Error
hi def link onefrontEnvBadName        Error

let b:current_syntax = "onefront"

let &cpo = s:cpo_save
unlet s:cpo_save
