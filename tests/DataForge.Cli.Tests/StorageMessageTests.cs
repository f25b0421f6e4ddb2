using DataForge.Cli.Output;
using DataForge.Engine.Store;

namespace DataForge.Cli.Tests;

public sealed class StorageMessageTests
{
    [Fact]
    public void A_full_store_is_named_with_the_space_missing_and_says_a_rerun_resumes()
    {
        var message = StorageMessage.For(new StorageException(StorageArea.Store, StorageProblem.NoSpace, 5L << 20, new IOException("No space left on device : '/private/path'", 28)));

        Assert.StartsWith("no space left for the store (.dataforge/objects and state.db): about 5.0 MB more is needed. Nothing was damaged", message, StringComparison.Ordinal);
        Assert.Contains("a build resumes where it stopped", message, StringComparison.Ordinal);
        Assert.DoesNotContain("/private/path", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_area_and_problem_has_its_own_words_and_no_path()
    {
        var messages = (from area in Enum.GetValues<StorageArea>()
                        from problem in Enum.GetValues<StorageProblem>()
                        select StorageMessage.For(new StorageException(area, problem, null, new IOException("/private/path")))).ToList();

        Assert.Equal(messages.Count, messages.Distinct(StringComparer.Ordinal).Count());
        Assert.All(messages, m => Assert.DoesNotContain("/private/path", m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("run the command again", m, StringComparison.Ordinal));
        Assert.Contains(".dataforge/tmp", StorageMessage.For(new StorageException(StorageArea.Temp, StorageProblem.NoSpace, null, new IOException())), StringComparison.Ordinal);
        Assert.Contains("read-only file system", StorageMessage.For(new StorageException(StorageArea.Output, StorageProblem.ReadOnly, null, new IOException())), StringComparison.Ordinal);
    }
}
