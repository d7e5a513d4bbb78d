/* What Wine 8 (Debian 12's) lacks and Windows 10 has: bcryptprimitives.dll's ProcessPrng, which
 * Rust's standard library asks for randomness. Built by scripts/check-binaries.js into the Wine
 * prefix that loads the Windows stand-in; never shipped. Forwards to BCryptGenRandom, which Wine
 * has, with the system's preferred generator. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
