# Turns text files into a C++ source with their exact bytes as raw string
# literals, so the binary carries them (the demo's click model). Run at build
# time by engine/CMakeLists.txt:
#   cmake -DDIR=<dir> -DFILES=a.json,b.json -DOUT=<file.cc> -DHEADER=<include> -DFUNCTION=<name> -P embed_files.cmake
# The output defines `std::span<const EmbeddedFile> FUNCTION()` declared in
# HEADER, one {name, bytes} entry per file in the order given.
cmake_minimum_required(VERSION 3.25)

foreach(required DIR FILES OUT HEADER FUNCTION)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "embed_files.cmake: -D${required}= is required")
  endif()
endforeach()

# A raw string ends at )DELIM": a file holding that sequence cannot be embedded this way.
set(delimiter "bidline_embed")
string(REPLACE "," ";" names "${FILES}")
set(entries "")
foreach(name IN LISTS names)
  file(READ "${DIR}/${name}" bytes)
  string(FIND "${bytes}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "embed_files.cmake: ${DIR}/${name} contains )${delimiter}\"")
  endif()
  # Raw strings keep bytes as they are, except that compilers may turn CR LF into LF.
  string(FIND "${bytes}" "\r" carriage_return)
  if(NOT carriage_return EQUAL -1)
    message(FATAL_ERROR "embed_files.cmake: ${DIR}/${name} has carriage returns")
  endif()
  string(APPEND entries "    {\"${name}\", R\"${delimiter}(${bytes})${delimiter}\"},\n")
endforeach()

set(text "// Generated from ${DIR} by embed_files.cmake at build time: do not edit.
#include \"${HEADER}\"

namespace bidline {

namespace {

constexpr EmbeddedFile kFiles[] = {
${entries}};

}  // namespace

std::span<const EmbeddedFile> ${FUNCTION}() { return kFiles; }

}  // namespace bidline
")

file(WRITE "${OUT}" "${text}")
