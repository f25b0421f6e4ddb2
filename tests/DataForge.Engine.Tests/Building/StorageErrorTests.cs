using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>A full or read-only disk is a storage problem of a named area, and the next build resumes as if nothing happened.</summary>
public sealed class StorageErrorTests
{
    private static StorageException BuildFails(TestProject project)
    {
        var e = Record.Exception(() => project.Build());
        Assert.NotNull(e);
        return StorageException.Find(e) ?? throw new Xunit.Sdk.XunitException($"not a storage problem: {e}");
    }

    [Theory]
    [InlineData("objects", StorageArea.Store)]
    [InlineData("out", StorageArea.Output)]
    [InlineData("tmp", StorageArea.Temp)]
    public void A_full_area_is_named_and_the_next_build_after_freeing_it_equals_a_clean_build(string folder, StorageArea area)
    {
        using var clean = new TestProject();
        clean.WriteMany(5);
        clean.Build();

        using var project = new TestProject();
        project.WriteMany(5);
        var full = folder switch
        {
            "objects" => project.Layout.Objects,
            "out" => project.Layout.OutputRoot,
            _ => project.Layout.Temp,
        };
        project.Fs.FullFolders.Add(full);

        var failure = BuildFails(project);
        Assert.Equal(area, failure.Area);
        Assert.Equal(StorageProblem.NoSpace, failure.Problem);

        project.Fs.FullFolders.Clear();
        var result = project.Build();
        Assert.True(result.Succeeded);
        Assert.Equal(clean.Outputs(), project.Outputs());
        Assert.Equal(0, project.Build().ExecutedCount);
    }

    [Fact]
    public void Errno_values_and_sqlite_codes_are_classified()
    {
        Assert.Equal(StorageProblem.NoSpace, StorageException.Classify(new IOException("x", 28)));
        Assert.Equal(StorageProblem.NoSpace, StorageException.Classify(new IOException("x", 122)));
        Assert.Equal(StorageProblem.ReadOnly, StorageException.Classify(new IOException("x", 30)));
        Assert.Equal(StorageProblem.PermissionDenied, StorageException.Classify(new UnauthorizedAccessException()));
        Assert.Null(StorageException.Classify(new IOException("x", 5)));
        Assert.Null(StorageException.Classify(new InvalidOperationException()));
        var wrapped = new AggregateException(new InvalidOperationException(), new IOException("x", 28));
        Assert.Equal(StorageArea.Unknown, StorageException.Find(wrapped)!.Area);
    }
}
