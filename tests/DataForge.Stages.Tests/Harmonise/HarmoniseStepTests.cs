using DataForge.Imaging.Operations;
using DataForge.Stages.Harmonise;

namespace DataForge.Stages.Tests.Harmonise;

public sealed class HarmoniseStepTests
{
    [Theory]
    [InlineData(null, TissueContrast.T1)]
    [InlineData("T2", TissueContrast.T2)]
    [InlineData("FLAIR", TissueContrast.Flair)]
    [InlineData("PD", TissueContrast.PD)]
    public void The_contrast_reaches_the_whitestripe_step(string? contrast, TissueContrast expected)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(contrast is null
            ? """{"normalise":{"method":"whitestripe"}}"""
            : $$$"""{"normalise":{"method":"whitestripe","contrast":"{{{contrast}}}"}}""")!.AsObject();
        var step = HarmoniseStep.Parse(0, node);
        Assert.Equal(expected, Assert.IsType<Normalise>(step.Operation).Contrast);
    }
}
