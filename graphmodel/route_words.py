"""The words a route answer uses for the request's ids, in Chinese and English.

A Chinese sentence never carries an English id (`township_centre`, `emergency`): every id a
route explains has its Chinese name here, and the modality of a clause keeps its own verb
(可经 stays *may go via*; only 必须 reads *must*).
"""

from __future__ import annotations

from graphmodel.checks import LEVEL_ZH

__all__ = ["LEVEL_ZH"]  # one table of level names, shared with the validators' messages

FLAG_ZH = {
    "emergency": "急危重症需抢救",
    "critical": "危重症",
    "special_population": "需要特殊陪护的人群",
    "infectious_notifiable": "法定传染病",
    "ambulance_120": "120急救中心接诊",
    "mass_casualty": "突发公共事件或重大事故伤员",
    "beyond_capacity": "超出医疗机构处理能力",
    "travelling": "异地（出差、旅游、探亲、异地居住或就读务工）",
    "signed_resident": "家庭医生签约居民",
    "readmission": "同一疾病再次住院",
}
FLAG_EN = {
    "emergency": "an emergency",
    "critical": "critical",
    "special_population": "in a population needing special care",
    "infectious_notifiable": "a notifiable infectious disease",
    "ambulance_120": "brought in by the 120 ambulance",
    "mass_casualty": "a casualty of a mass-casualty event",
    "beyond_capacity": "beyond the institution's capacity",
    "travelling": "away from home",
    "signed_resident": "a resident signed with a family doctor",
    "readmission": "a readmission for the same disease",
}

PHASE_ZH = {
    "recovery": "康复期（恢复期）",
    "post_surgery": "术后恢复期",
    "critical_stable": "危重症稳定期",
    "chronic_stable": "诊断明确、病情稳定的慢性病",
    "elderly": "老年病",
    "late_cancer": "晚期癌症",
    "stable_psychiatric": "病情稳定的精神疾病",
}
PHASE_EN = {
    "recovery": "recovery phase",
    "post_surgery": "recovery after surgery",
    "critical_stable": "stable after a critical illness",
    "chronic_stable": "stable chronic disease",
    "elderly": "geriatric",
    "late_cancer": "late-stage cancer",
    "stable_psychiatric": "stable psychiatric",
}

ROLE_CONDITION_ZH = {
    "employees_only": "仅限本单位职工",
    "until_review": "通过等级评审之前",
    "after_review": "通过等级评审之后",
    "for_condition": "仅限特定病种",
}


def flags_zh(flags: list[str]) -> str:
    return "、".join(FLAG_ZH.get(f, f) for f in flags)


def flags_en(flags: list[str]) -> str:
    return ", ".join(FLAG_EN.get(f, f) for f in flags)


def levels_zh(levels: tuple[str, ...]) -> str:
    return "或".join(LEVEL_ZH[v] for v in levels)
