namespace DataForge.Engine.Store;

/// <summary>
/// The shared action cache cannot be used: unreachable, a login refused, a schema this version does not know. A
/// setup problem the user fixes (exit code 2); the message names the server and database, never a user or password.
/// </summary>
public sealed class ActionCacheException(string message, Exception? inner = null) : Exception(message, inner);
