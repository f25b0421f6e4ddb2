using DataForge.Manifest.Model;
using DataForge.Testing;

namespace DataForge.Manifest.Tests;

public sealed class SecretReferenceTests
{
    [Fact]
    public void An_environment_secret_is_read_from_the_named_variable()
    {
        var secret = SecretReference.Parse("env:DF_KEY")!;
        var bytes = secret.Read("/", name => name == "DF_KEY" ? "0123456789abcdef0123456789abcdef" : null, out var problem);
        Assert.Null(problem);
        Assert.Equal(32, bytes!.Length);
    }

    [Fact]
    public void A_missing_variable_is_reported_without_any_value()
    {
        var secret = SecretReference.Parse("env:DF_KEY")!;
        Assert.Null(secret.Read("/", _ => null, out var problem));
        Assert.Equal("environment variable DF_KEY is not set or empty", problem);
    }

    [Fact]
    public void A_short_secret_is_refused_and_the_message_does_not_contain_it()
    {
        using var dir = new TempDirectory();
        dir.WriteText("key.txt", "tiny-secret\n");
        var secret = SecretReference.Parse("file:key.txt")!;
        Assert.Null(secret.Read(dir.Path, _ => null, out var problem));
        Assert.DoesNotContain("tiny-secret", problem);
        Assert.Contains("shorter than 16 characters", problem);
    }

    [Fact]
    public void Text_without_a_known_prefix_is_not_a_reference()
    {
        Assert.Null(SecretReference.Parse("s3cr3t"));
        Assert.Null(SecretReference.Parse("env:"));
    }
}
