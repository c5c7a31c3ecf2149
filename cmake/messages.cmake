# The message set, written once: protocol/messages/*.schema.json made into the decoder's spec
# table and the encoder's event names (a C header), so that the C code never lists a message
# again. Not a validator: ajv checks the examples (tests/protocol). Run at build time as:
#   cmake -DDIR=protocol/messages -DOUT=messages.gen.h -P cmake/messages.cmake
#
# The rules, one place each:
# - A client message is a schema whose description begins "client to server". It decodes as the
#   core command named after its type ("question.post" -> CORE_CMD_QUESTION_POST) unless its
#   "$comment" reads "server/wire: NAME", NAME being a core command (CORE_CMD_...) or a message
#   the server answers itself (WIRE_MSG_AUTH, WIRE_MSG_SYNC, WIRE_MSG_EXPORT).
# - A field's kind is the definition it refers to: {"$ref": ".../defs.schema.json#/$defs/X"} is
#   F_X (upper case); {"oneOf": [that, {"type": "null"}]} is F_X that may also be null (for
#   none). server/wire/decode.c has one case per kind. Any other field schema stops the build.
# - Fields are checked in the order of "required", then the optional ones by name (CMake reads
#   an object's members sorted): the first field at fault is the one an error names.
# - A server message whose "$comment" reads "server/wire: CORE_EV_A CORE_EV_B" is the message
#   type of those core events (event_types in server/wire/encode.c).
cmake_minimum_required(VERSION 3.19) # string(JSON)

set(defs_url "https://roundtable.invalid/protocol/messages/defs.schema.json#/$defs/")

# The names a schema's "$comment" gives, in out (empty when it gives none).
function(annotation json out)
  string(JSON comment ERROR_VARIABLE missing GET "${json}" "$comment")
  set(names "")
  if(NOT missing AND comment MATCHES "^server/wire: ([A-Z_ ]+)$")
    string(REPLACE " " ";" names "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# The kind of field `name` of message `type`, from its schema `field`, in out; in nullable,
# whether it may be null.
function(field_kind type name field out nullable)
  string(JSON ref ERROR_VARIABLE no_ref GET "${field}" "$ref")
  set(null_ok false)
  if(no_ref)
    string(JSON n ERROR_VARIABLE no_one_of LENGTH "${field}" oneOf)
    if(NOT no_one_of AND n EQUAL 2)
      string(JSON ref ERROR_VARIABLE no_ref GET "${field}" oneOf 0 "$ref")
      string(JSON null ERROR_VARIABLE no_null GET "${field}" oneOf 1 type)
      if(NOT no_ref AND NOT no_null AND null STREQUAL "null")
        set(null_ok true)
      else()
        set(no_ref TRUE)
      endif()
    else()
      set(no_ref TRUE)
    endif()
  endif()
  string(FIND "${ref}" "${defs_url}" at)
  if(no_ref OR NOT at EQUAL 0)
    message(FATAL_ERROR "${type}.${name}: a field a client sends is {\"$ref\": \"${defs_url}X\"} "
                        "or {\"oneOf\": [that, {\"type\": \"null\"}]}, so that the decoder knows its kind")
  endif()
  string(LENGTH "${defs_url}" skip)
  string(SUBSTRING "${ref}" ${skip} -1 def)
  string(TOUPPER "F_${def}" kind)
  set(${out} "${kind}" PARENT_SCOPE)
  set(${nullable} ${null_ok} PARENT_SCOPE)
endfunction()

file(GLOB schemas "${DIR}/*.schema.json")
list(SORT schemas)
set(specs "")
set(events "")
set(max_fields 1)
foreach(path ${schemas})
  get_filename_component(file "${path}" NAME)
  if(file STREQUAL "defs.schema.json")
    continue()
  endif()
  file(READ "${path}" json)
  string(JSON type GET "${json}" properties type const)
  if(NOT file STREQUAL "${type}.schema.json")
    message(FATAL_ERROR "${file}: its type is ${type}")
  endif()
  string(JSON description GET "${json}" description)
  annotation("${json}" names)
  if(NOT description MATCHES "^client to server")
    foreach(ev ${names})
      if(NOT ev MATCHES "^CORE_EV_")
        message(FATAL_ERROR "${file}: a server message names core events (CORE_EV_...), not ${ev}")
      endif()
      string(APPEND events "\t[${ev}] = \"${type}\", \\\n")
    endforeach()
    continue()
  endif()

  string(TOUPPER "CORE_CMD_${type}" cmd)
  string(REPLACE "." "_" cmd "${cmd}")
  set(kind WIRE_MSG_COMMAND)
  list(LENGTH names nnames)
  if(nnames GREATER 1)
    message(FATAL_ERROR "${file}: a client message is one command: ${names}")
  elseif(names MATCHES "^WIRE_MSG_")
    set(kind ${names})
    set(cmd 0)
  elseif(names MATCHES "^CORE_CMD_")
    set(cmd ${names})
  elseif(nnames)
    message(FATAL_ERROR "${file}: a client message names a CORE_CMD_ or WIRE_MSG_, not ${names}")
  endif()

  # Required fields in their order, then the optional ones.
  string(JSON nreq LENGTH "${json}" required)
  set(order "")
  math(EXPR last "${nreq} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${json}" required ${i})
    list(APPEND order "${name}")
  endforeach()
  set(required "${order}")
  string(JSON nprops LENGTH "${json}" properties)
  math(EXPR last "${nprops} - 1")
  foreach(i RANGE ${last})
    string(JSON name MEMBER "${json}" properties ${i})
    if(NOT name IN_LIST order)
      list(APPEND order "${name}")
    endif()
  endforeach()

  set(fields "")
  set(nfields 0)
  foreach(name ${order})
    if(name STREQUAL "type")
      continue()
    endif()
    string(JSON field ERROR_VARIABLE absent GET "${json}" properties "${name}")
    if(absent)
      message(FATAL_ERROR "${file}: ${name} is required but not a property")
    endif()
    field_kind("${type}" "${name}" "${field}" fkind null_ok)
    set(req false)
    if(name IN_LIST required)
      set(req true)
    endif()
    string(APPEND fields "{\"${name}\", ${fkind}, ${req}, ${null_ok}}, ")
    math(EXPR nfields "${nfields} + 1")
  endforeach()
  if(nfields GREATER max_fields)
    set(max_fields ${nfields})
  endif()
  string(REGEX REPLACE ", $" "" fields "${fields}")
  string(APPEND specs "\t{\"${type}\", ${kind}, ${cmd}, {${fields}}}, \\\n")
endforeach()

set(text "/* Generated from the schemas in protocol/messages by cmake/messages.cmake; do not edit. */
#ifndef RT_MESSAGES_GEN_H
#define RT_MESSAGES_GEN_H

/* The most fields a client message has, \"type\" aside. */
#define WIRE_MAX_FIELDS ${max_fields}

/* Every message a client may send: {type, wire_msg_kind, core_cmd_kind, {{field, kind, required,
 * nullable}}}. */
#define WIRE_CLIENT_MESSAGES \\
${specs}
/* The message type of each core event: [core_event_kind] = type. */
#define WIRE_EVENT_TYPES \\
${events}
#endif
")
file(WRITE "${OUT}" "${text}")
