# CMake toolchain for the Windows x64 cross-build (mingw-w64, POSIX thread model, so
# winpthreads provides pthreads). Used by build/build-windows.sh for azsreg itself and for
# the Jansson dependency.
#   -DAZSREG_WIN_DEPS=<prefix>   where the static OpenSSL, libcurl and Jansson are installed
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(AZSREG_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER   ${AZSREG_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${AZSREG_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER  ${AZSREG_MINGW_PREFIX}-windres)
set(CMAKE_AR           ${AZSREG_MINGW_PREFIX}-gcc-ar-posix CACHE FILEPATH "")
set(CMAKE_RANLIB       ${AZSREG_MINGW_PREFIX}-gcc-ranlib-posix CACHE FILEPATH "")

# try_compile() re-reads this file without the cache: the dependency prefix must travel
# with it explicitly.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AZSREG_WIN_DEPS)

set(CMAKE_FIND_ROOT_PATH /usr/${AZSREG_MINGW_PREFIX})
if(AZSREG_WIN_DEPS)
  list(PREPEND CMAKE_FIND_ROOT_PATH ${AZSREG_WIN_DEPS})
  list(PREPEND CMAKE_PREFIX_PATH ${AZSREG_WIN_DEPS})
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Tests built for Windows run under Wine.
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
