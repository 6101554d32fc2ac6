using System.Runtime.InteropServices;

namespace Chaos.Accounts;

/// <summary>The one libc call of <see cref="PasswordHasher"/>: lowering a hashing thread's scheduling priority.</summary>
internal static class NativeMethods
{
    [DllImport("libc", EntryPoint = "setpriority")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int SetPriority(int which, int who, int priority);
}
