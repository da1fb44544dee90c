"""The words people write in the import's fixed-list columns, by the value each one means."""

from pilots.models import Enterprise, Pilot

# The words people write in the fixed-list columns; the first one is what the template offers.
Ownership = Enterprise.Ownership
OWNERSHIP_WORDS = {
    Ownership.STATE_OWNED: (
        "国有",
        "国有企业",
        "国企",
        "国有独资",
        "国有独资企业",
        "国有独资公司",
        "全民所有制",
    ),
    Ownership.STATE_CONTROLLED: ("国有控股", "国有控股企业", "国有绝对控股", "国有相对控股"),
    Ownership.MIXED: ("混合所有制", "混合所有制企业", "混合", "混改企业"),
    Ownership.COLLECTIVE: ("集体", "集体企业", "集体所有制", "城镇集体", "乡镇集体", "村集体"),
    Ownership.PRIVATE: (
        "民营",
        "民营企业",
        "私营",
        "私营企业",
        "民企",
        "私企",
        "非公",
        "非公企业",
        "非公有制",
    ),
    Ownership.FOREIGN: (
        "外商投资",
        "外商投资企业",
        "外资",
        "外资企业",
        "外商独资",
        "中外合资",
        "中外合作",
    ),
    Ownership.HK_MACAO_TAIWAN: (
        "港澳台投资",
        "港澳台",
        "港澳台投资企业",
        "港澳台商投资",
        "港资",
        "澳资",
        "台资",
    ),
    Ownership.INDIVIDUAL: ("个体", "个体户", "个体工商户", "个体经营"),
    Ownership.OTHER: ("其他",),
}
# Words for a company's legal form, often typed in the ownership column: they say nothing of
# who owns it, so the row asks for the ownership in words that do.
LEGAL_FORM_WORDS = (
    "股份制",
    "股份制企业",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司制",
    "公司制企业",
    "股份合作制",
    "股份合作制企业",
    "有限责任",
)
# Words that say both the kind (mixed ownership) and whether the state controls it.
MIXED_WORDS = {
    "国有参股": False,
    "混合所有制(国有控股)": True,
    "混合所有制(非国有控股)": False,
    "混合所有制(国有参股)": False,
}
CHAIN_WORDS = {
    Enterprise.ChainPosition.UPSTREAM: ("上游", "产业链上游"),
    Enterprise.ChainPosition.DOWNSTREAM: ("下游", "产业链下游"),
}
TIER_WORDS = {
    Pilot.Tier.CITY: ("市级", "市级试点", "市"),
    Pilot.Tier.COUNTY: ("县级", "县级试点", "县区级", "县(区)级", "县"),
    Pilot.Tier.TOWNSHIP: ("乡镇级", "乡镇级试点", "乡镇(街道)级", "街道级", "镇级", "乡镇"),
}
STATUS_WORDS = {
    Pilot.Status.PROPOSED: ("拟推荐", "推荐", "拟定"),
    Pilot.Status.CONFIRMED: ("已确定", "确定", "已确认"),
    Pilot.Status.DEMONSTRATION: ("示范单位", "示范", "示范企业"),
    Pilot.Status.WITHDRAWN: ("已退出", "退出"),
}
YES, NO = "是", "否"
