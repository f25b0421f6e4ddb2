using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// One build (or gc) per store at a time: an exclusive OS lock on <c>.dataforge/build.lock</c>,
/// which the kernel releases when its holder dies, so a dead build's lock is simply taken over.
/// The holder notes its process id beside the lock so a waiting build can say who it waits for.
/// </summary>
internal static class BuildLock
{
    /// <summary>Takes the lock, waiting (with one message) unless <see cref="BuildOptions.NoWait"/>; null with the holder's note when busy and not waiting.</summary>
    public static IDisposable? Acquire(IFileSystem fs, StoreLayout layout, BuildOptions options, out string? holder)
    {
        holder = null;
        var owner = $"pid {Environment.ProcessId}";
        var announced = false;
        while (true)
        {
            var handle = fs.TryLock(layout.Lock, owner);
            if (handle is not null) return handle;
            holder = fs.ReadLockOwner(layout.Lock) ?? "another process";
            if (options.NoWait) return null;
            if (!announced)
            {
                options.OnMessage?.Invoke($"waiting for the build lock on {layout.StateRoot} held by {holder}");
                announced = true;
            }
            Task.Delay(options.LockPollInterval, options.CancellationToken).GetAwaiter().GetResult();
        }
    }
}
