using DataForge.Stages.Labels;

namespace DataForge.Stages.Tests.Labels;

public sealed class NaturalOrderTests
{
    [Fact]
    public void Echo_numbers_sort_as_numbers()
    {
        string[] ids = ["P/1.2_e10", "P/1.2_e2", "P/1.2", "P/1.2_e1", "P/1.2_e2_o1", "P/1.2_e02"];
        Array.Sort(ids, NaturalOrder.Instance);
        Assert.Equal(["P/1.2", "P/1.2_e1", "P/1.2_e2", "P/1.2_e2_o1", "P/1.2_e02", "P/1.2_e10"], ids);
    }

    [Theory]
    [InlineData("a9", "a10")]
    [InlineData("a99999999999999999999999", "a100000000000000000000000")]
    [InlineData("a1b", "a1c")]
    [InlineData("a", "a0")]
    public void Orders_and_is_antisymmetric(string lower, string higher)
    {
        Assert.True(NaturalOrder.Instance.Compare(lower, higher) < 0);
        Assert.True(NaturalOrder.Instance.Compare(higher, lower) > 0);
        Assert.Equal(0, NaturalOrder.Instance.Compare(lower, lower));
    }
}
