# SPDX-License-Identifier: GPL-2.0
# The Debian package, built by CPack's DEB generator (scripts/deb.sh configures
# a tree with -DAGENTLOCK_DEB=ON, builds it and runs cpack). CMakeLists.txt
# includes this file after its install() rules; what the package holds beyond
# them (copyright, changelog) is installed here, and the control fields set.

set(AGENTLOCK_DEB_MAINTAINER
    "agentlock maintainers <maintainers@users.noreply.b-seed-54006660.example>"
    CACHE STRING "The Debian package's Maintainer field: Name <address>")
set(AGENTLOCK_DEB_VERSION ${PROJECT_VERSION})
# The changelog's date honours SOURCE_DATE_EPOCH (scripts/deb.sh sets it to
# the last commit's, as cpack does the files' times): a rebuild of a commit
# changes no byte of it.
string(TIMESTAMP AGENTLOCK_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)

# /usr/share/doc/agentlock: the machine-readable copyright (Debian policy
# 12.5) and the changelog a native package carries, compressed without a
# timestamp or name (gzip -n) so that rebuilding changes no byte.
set(deb_dir ${CMAKE_BINARY_DIR}/deb)
configure_file(${CMAKE_SOURCE_DIR}/packaging/copyright ${deb_dir}/copyright @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in ${deb_dir}/changelog @ONLY)
execute_process(COMMAND gzip -9nc ${deb_dir}/changelog OUTPUT_FILE ${deb_dir}/changelog.gz
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "gzip ${deb_dir}/changelog failed: ${rc}")
endif()
install(FILES ${deb_dir}/copyright ${deb_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME agentlock)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # agentlock_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AGENTLOCK_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the libraries the program links, through dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The completions are used when their shells' completion is loaded.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# The synopsis, then paragraphs (cpack indents them and marks the blank line).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "confine AI coding agents to a project with BPF-LSM or Landlock
agentlock runs an AI coding agent (Claude Code, Codex, Gemini CLI, Aider,
Goose, ...) and every process it starts in a kernel-enforced cell around one
project directory, and shows everything the agent reaches for outside it.

A BPF-LSM program refuses and reports each open outside the project and a
system allow-list; where the kernel cannot run BPF-LSM programs, Landlock and
a seccomp filter confine instead. 'agentlock check' says which this machine
gives. Profiles for the common agents are built in; reference copies are in
/usr/share/agentlock/profiles.")
# /etc/agentlock/agentlock.yaml is the administrator's: dpkg keeps their edits.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
