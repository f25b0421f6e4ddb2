using System.Text.Json.Nodes;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary>Records what a command did in the project's audit log (<see cref="AuditLog"/>): the OS user, the time, counts and versions, never an identifier.</summary>
internal static class AuditTrail
{
    public static void Record(PrivateZone zone, string command, JsonObject details) =>
        new AuditLog(zone).Append(command, details, ReleaseSupport.ToolVersion, Environment.UserName, DateTimeOffset.UtcNow);
}
