using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>Moving the output folder, and status agreeing with the build about the output folder.</summary>
public sealed class OutputFolderTests
{
    [Fact]
    public void Moving_the_output_folder_writes_every_output_in_the_new_one_and_removes_only_the_engines_files_from_the_old_one()
    {
        using var project = new TestProject();
        project.WriteMany(4);
        project.Build();
        var before = project.Outputs();
        project.Fs.Write($"{TestProject.Out}/notes.txt", "the user's own file");

        project.UseOutputFolder("/p/elsewhere/out2");
        var status = project.Status();
        var result = project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(before, project.Outputs());
        Assert.Equal(["notes.txt"], project.Fs.FilesUnder(TestProject.Out));
        Assert.Equal((before.Count, before.Count), (status.OutputsToRestore, status.OutputsToRemove));
        Assert.Equal((before.Count, before.Count), (result.Output.Written, result.Output.Removed));
        Assert.Equal(0, project.Build().Output.Written);

        // And back again: the second folder is cleaned, the first filled.
        project.UseOutputFolder(TestProject.Out);
        project.Build();
        Assert.Empty(project.Fs.FilesUnder("/p/elsewhere/out2"));
        Assert.Equal(before.Append(("notes.txt", "the user's own file")).OrderBy(p => p.Item1, StringComparer.Ordinal), project.Outputs());
    }

    [Fact]
    public void A_build_killed_after_the_old_folder_was_cleaned_completes_the_move_next_time()
    {
        using var project = new TestProject();
        project.WriteMany(4);
        project.Build();
        var before = project.Outputs();
        // As a killed build leaves it: the old folder's files deleted, their rows not yet.
        foreach (var path in project.Fs.FilesUnder(TestProject.Out)) project.Fs.Delete($"{TestProject.Out}/{path}");

        project.UseOutputFolder("/p/out2");
        var result = project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(before, project.Outputs());
    }

    [Fact]
    public void Status_and_build_agree_on_what_is_removed_when_a_source_changes_and_when_one_is_removed()
    {
        using var project = new TestProject();
        project.WriteMany(6);
        project.Build();

        // A changed source: its upper output gets a new name; stats and its volume are made again.
        project.WriteSource("s0/i000.txt", "S0", "changed body");
        var status = project.Status();
        var build = project.Build();
        // What status calls removed is removed; what it calls pending may be made again or removed.
        Assert.InRange(build.Output.Removed, status.OutputsToRemove, status.OutputsToRemove + status.OutputsPending);
        Assert.Equal(1, build.Output.Removed);

        // A removed source whose series stays: its output is removed, the rest made again.
        project.Fs.Delete($"{TestProject.Raw}/s1/i001.txt");
        status = project.Status();
        build = project.Build();
        Assert.InRange(build.Output.Removed, status.OutputsToRemove, status.OutputsToRemove + status.OutputsPending);
        Assert.Equal(1, build.Output.Removed);

        // An output file deleted by hand: restored, nothing removed, by both.
        project.Fs.Delete($"{TestProject.Out}/stats.txt");
        status = project.Status();
        build = project.Build();
        Assert.Equal((1, 0, 0), (status.OutputsToRestore, status.OutputsToRemove, status.OutputsPending));
        Assert.Equal((1, 0), (build.Output.Written, build.Output.Removed));
    }

    [Fact]
    public void Status_does_not_count_the_outputs_of_actions_that_would_run_again_as_removed()
    {
        using var project = new TestProject();
        project.WriteMany(6);
        project.Build();

        // Same name, new content: the volume and stats outputs are made again at the same paths.
        project.UpperSuffix = "?";
        var status = project.Status();
        var build = project.Build();

        Assert.Equal(0, status.OutputsToRemove);
        Assert.True(status.OutputsPending > 0);
        Assert.Equal(0, build.Output.Removed);
    }
}
