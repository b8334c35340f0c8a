# SPDX-License-Identifier: GPL-2.0
# Compiles the shipped profiles into the program, so a build (or the test VM)
# never depends on where profiles/ was installed:
#   cmake -DOUT=profiles_builtin.c -DDIR=profiles -P embed-profiles.cmake
# The shipped behaviour rules (rules/*.yaml) the same way, as another array:
#   cmake -DOUT=rules_builtin.c -DDIR=rules -DARRAY=builtin_rules -P embed-profiles.cmake
if(NOT ARRAY)
  set(ARRAY builtin_profiles)
endif()
file(GLOB files "${DIR}/*.yaml")
list(SORT files)
set(src "/* Generated from the profiles directory by cmake/embed-profiles.cmake; do not edit. */\n")
string(APPEND src "#include \"policy/profiles.h\"\n\nconst struct builtin_profile ${ARRAY}[] = {\n")
set(count 0)
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND src "\t{ \"${name}\", (const char[]){ ${bytes} 0 }, ${len} },\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND src "};\nconst size_t ${ARRAY}_count = ${count};\n")
file(WRITE "${OUT}.tmp" "${src}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
