/*
 * phrases.c - the bot's words in English and Chinese.
 */
#include "phrases.h"

#include <stdio.h>
#include <string.h>

static const char *const table[P_COUNT][HD_LANG_COUNT] = {
    [P_MENU] = {"Hi %s! I'm the IT service desk bot. I can:\n"
                "- fix common problems with you right away\n"
                "- report a problem or request software, hardware or access\n"
                "- answer how-to questions\n"
                "- tell you how your tickets are doing\n"
                "Tell me in your own words, or pick one:",
                "%s，您好！我是 IT 服务台机器人。我可以：\n"
                "- 马上帮您解决常见问题\n"
                "- 报告故障，或申请软件、硬件和权限\n"
                "- 回答操作类问题\n"
                "- 查询您的工单进度\n"
                "直接描述您的问题，或选择："},
    [P_B_REPORT] = {"Report a problem", "报告故障"},
    [P_B_REQUEST] = {"Request something", "提交申请"},
    [P_B_HOWTO] = {"How do I…", "怎么操作"},
    [P_B_MY_TICKETS] = {"My tickets", "我的工单"},
    [P_B_HUMAN] = {"Talk to a person", "转人工"},
    [P_DESCRIBE_PROBLEM] = {"What's wrong? Describe it in a sentence or two.",
                            "遇到了什么问题？请用一两句话描述。"},
    [P_DESCRIBE_REQUEST] = {"What do you need?", "您需要什么？"},
    [P_DESCRIBE_HOWTO] = {"What would you like to know?", "您想了解什么？"},
    [P_CLARIFY] = {"I'm not sure I understood. Did you mean:", "我不太确定您的意思，您是想："},
    [P_B_SOMETHING_ELSE] = {"Something else", "都不是"},
    [P_KB_FOUND] = {"This article may help: **%s**\n%s", "这篇文章也许能帮到您：**%s**\n%s"},
    [P_KB_OTHERS] = {"Other articles:", "其他相关文章："},
    [P_B_SOLVED] = {"This solved it", "问题解决了"},
    [P_B_STILL] = {"I still need help", "仍需帮助"},
    [P_KB_SOLVED] = {"Great, glad that helped! Anything else?",
                     "太好了，很高兴帮到您！还有其他问题吗？"},
    [P_KB_NONE] = {"I couldn't find an article about that.", "没有找到相关的文章。"},
    [P_B_ASK_DESK] = {"Ask the service desk", "咨询服务台"},
    [P_KB_CONTINUE] = {"OK, let's get this to the right team.", "好的，我们把问题交给对应的团队。"},
    [P_B_SKIP] = {"Skip", "跳过"},
    [P_B_CANCEL] = {"Cancel", "取消"},
    [P_SKIP_HINT] = {" (or say skip)", "（也可以回复“跳过”）"},
    [P_NOT_UNDERSTOOD] = {"Sorry, I didn't catch that. %s", "抱歉，我没听明白。%s"},
    [P_SUMMARY] = {"Here is what I'll send to the service desk:", "以下内容将提交给服务台："},
    [P_F_DESCRIPTION] = {"Description", "描述"},
    [P_F_PRIORITY] = {"Priority", "优先级"},
    [P_B_SUBMIT] = {"Submit", "提交"},
    [P_B_EDIT] = {"Edit", "修改"},
    [P_EDIT_WHICH] = {"What would you like to change?", "您想修改哪一项？"},
    [P_CREATED] = {"I've opened **%s** (priority P%d).", "已为您创建工单 **%s**（优先级 P%d）。"},
    [P_SLA] = {"We will respond within %s and aim to resolve it within %s.",
               "我们会在%s内响应，并争取在%s内解决。"},
    [P_DROPPED] = {"OK, I've dropped that request.", "好的，已取消这个请求。"},
    [P_NOTHING_TO_CANCEL] = {"There's nothing to cancel. Anything else I can help with?",
                             "目前没有需要取消的内容。还有什么可以帮您？"},
    [P_THANKS] = {"You're welcome! Anything else?", "不客气！还有其他需要吗？"},
    [P_OUT_OF_SCOPE] =
        {"I can only help with IT matters: computers, accounts, email, printers, "
         "software and the like. For anything else, please contact the right "
         "team. Here is what I can do:",
         "我只能处理 IT 相关的问题，例如电脑、账号、邮箱、打印机和软件。其他问题请联系相应的部门。"
         "我可以帮您："},
    [P_SWITCH] = {"You're in the middle of something else (%s). Keep that draft, or drop it and "
                  "go on with your new question?",
                  "您还有一个未完成的请求（%s）。保留它，还是放弃并处理新的问题？"},
    [P_B_KEEP] = {"Keep my draft", "保留"},
    [P_B_DROP] = {"Drop it", "放弃"},
    [P_KEPT] = {"OK, let's carry on.", "好的，我们继续。"},
    [P_EXPIRED] = {"Your unfinished request (%s) was closed after %d minutes without a reply. "
                   "Just write again when you're ready.",
                   "您未完成的请求（%s）因 %d 分钟没有回复已关闭。需要时请重新发消息。"},
    [P_STATUS_NONE] = {"You have no open tickets.", "您目前没有未关闭的工单。"},
    [P_STATUS_LIST] = {"Your open tickets:", "您未关闭的工单："},
    [P_STATUS_LINE] = {"\n- **%s** %s: %s (P%d)", "\n- **%s** %s：%s（P%d）"},
    [P_NOT_YOURS] = {"I can only show a ticket to the person who raised it, or to the service "
                     "desk team.",
                     "工单只能由提交人或服务台人员查看。"},
    [P_NO_SUCH_TICKET] = {"I can't find ticket %s.", "找不到工单 %s。"},
    [P_WHICH_TICKET] = {"Which ticket do you mean?", "您指的是哪个工单？"},
    [P_NUDGED] = {"I've let the %s team know you're waiting on %s.",
                  "已通知 %s 团队，您正在等待 %s 的处理。"},
    [P_NUDGE_TOO_SOON] = {"You nudged %s %d minutes ago and the team has it. You can nudge again "
                          "in %d minutes.",
                          "您在 %2$d 分钟前已催办过 %1$s，团队已收到。%3$d 分钟后可以再次催办。"},
    [P_NUDGE_GROUP] = {"%s is waiting on %s (%s) and asked us to hurry.",
                       "%s 正在等待 %s（%s），请尽快处理。"},
    [P_ADD_WHAT] = {"What would you like to add to %s?", "您想给 %s 补充什么信息？"},
    [P_ADDED] = {"Added to %s. The team will see it.", "已补充到 %s，团队会看到。"},
    [P_ADD_GROUP] = {"%s added to %s: %s", "%s 给 %s 补充了信息：%s"},
    [P_HUMAN] = {"I've asked the service desk to get back to you personally: **%s**.",
                 "已请服务台人员与您联系：**%s**。"},
    [P_COMPLAINT] =
        {"I'm sorry we let you down. I've passed your complaint to the service "
         "management team as **%s**, and someone will get back to you.",
         "非常抱歉给您带来不好的体验。您的投诉已提交给服务管理团队，编号 **%s**，会有专人联系您。"},
    [P_TICKET_FINAL] = {"%s is already %s.", "%s 已经是%s状态。"},
    [P_SURVEY] =
        {"Your ticket **%s** (%s) has been resolved: %s\nHow would you rate the help "
         "you got? If it isn't fixed, tell us with \"Not fixed\".",
         "您的工单 **%s**（%s）已解决：%s\n请为本次服务评分。如果问题没有解决，请点“未解决”。"},
    [P_B_NOT_FIXED] = {"Not fixed", "未解决"},
    [P_THANKS_RATING] = {"Thanks for your rating!", "感谢您的评价！"},
    [P_LOW_RATING] = {"Sorry it wasn't better. What could we have done better? (Reply with a "
                      "comment, or say skip.)",
                      "很抱歉没能让您满意。我们哪里可以做得更好？（请回复意见，或回复“跳过”）"},
    [P_COMMENT_THANKS] = {"Thank you, I've passed that on.", "谢谢，已转达。"},
    [P_REOPENED] = {"I've reopened %s and told the team it isn't fixed.",
                    "已重新打开 %s，并通知团队问题仍未解决。"},
    [P_GROUP_REOPENED] = {"%s was reopened by %s: not fixed. %s",
                          "%s 被 %s 重新打开：问题未解决。%s"},
    [P_BUTTON_EXPIRED] = {"That button is no longer active.", "这个按钮已失效。"},
    [P_BUTTON_NOT_YOURS] = {"Sorry, that button isn't for you.", "抱歉，这个按钮不是给您的。"},
    [P_BUTTON_UNKNOWN] = {"Sorry, I don't recognise that action.", "抱歉，无法识别这个操作。"},
    [P_AGENT_ONLY] = {"Only agents of %s can do that.", "只有 %s 的处理人员可以执行此操作。"},
    [P_TAKEN_USER] = {"%s is now working on your ticket %s.", "%s 正在处理您的工单 %s。"},
    [P_TAKEN_GROUP] = {"%s took %s.", "%s 接手了 %s。"},
    [P_ESCALATED_USER] = {"Your ticket %s has been passed to the %s team.",
                          "您的工单 %s 已转交 %s 团队。"},
    [P_ESCALATED_GROUP] = {"%s was escalated to you from %s by %s.", "%s 由 %s 的 %s 升级给你们。"},
    [P_RESOLVE_NOTE] = {"What fixed %s? Your note goes to the requester.",
                        "%s 是如何解决的？您的说明会发送给提交人。"},
    [P_RESOLVED_AGENT] = {"%s is resolved; the requester has been asked for feedback.",
                          "%s 已解决，已邀请提交人评价。"},
    [P_RESOLVED_GROUP] = {"%s was resolved by %s: %s", "%s 已由 %s 解决：%s"},
    [P_AGENT_FAILED] = {"Couldn't do that: %s", "操作失败：%s"},
    [P_NEW_TICKET_GROUP] = {"New ticket %s · P%d · %s", "新工单 %s · P%d · %s"},
    [P_F_REQUESTER] = {"Requester", "提交人"},
    [P_F_STATUS] = {"Status", "状态"},
    [P_F_GROUP] = {"Group", "处理组"},
    [P_F_ASSIGNEE] = {"Assignee", "处理人"},
    [P_F_RESPOND_BY] = {"Respond by", "响应时限"},
    [P_F_RESOLVE_BY] = {"Resolve by", "解决时限"},
    [P_B_TAKE] = {"Take", "接单"},
    [P_B_ESCALATE] = {"Escalate", "升级"},
    [P_B_RESOLVE] = {"Resolve", "解决"},
    [P_CHOSE] = {"You chose: %s", "您选择了：%s"},
    [P_HANDOVER_FLAG] = {"Asked to talk to a person", "用户要求转人工"},
    [P_CONSULT_TITLE] = {"Question: ", "咨询："},
    [P_SLA_WARN_GROUP] = {"⏰ **%s** is close to its %s target (due %s).",
                          "⏰ **%s** 的%s时限快到了（%s 到期）。"},
    [P_SLA_BREACH_GROUP] = {"🚨 **%s** missed its %s target and was escalated to %s.",
                            "🚨 **%s** 超过了%s时限，已升级给 %s。"},
    [P_SLA_BREACH_TOP] = {"🚨 **%s** missed its %s target.", "🚨 **%s** 超过了%s时限。"},
    [P_SLA_ESCALATED_IN] = {"🚨 **%s** missed its %s target with %s and is now yours.",
                            "🚨 **%s** 超过了%s时限（原处理组 %s），现在由你们处理。"},
    [P_T_RESPONSE] = {"response", "响应"},
    [P_T_RESOLUTION] = {"resolution", "解决"},
};

const char *hd_say(hd_lang lang, phrase p)
{
    const char *s;

    if ((unsigned)p >= P_COUNT)
        return "";
    s = table[p][(unsigned)lang < HD_LANG_COUNT ? lang : HD_LANG_EN];
    return s ? s : table[p][HD_LANG_EN];
}

static const struct {
    const char *slot;
    const char *title[HD_LANG_COUNT];
} slot_titles[] = {
    {"location", {"Location", "位置"}},
    {"impact", {"Who is affected", "影响范围"}},
    {"urgency", {"Urgency", "紧急程度"}},
    {"since", {"Since", "开始时间"}},
    {"error", {"Error message", "错误信息"}},
    {"asset_tag", {"Asset tag", "资产编号"}},
    {"phone", {"Phone", "电话"}},
    {"email", {"Email", "邮箱"}},
    {"ticket", {"Ticket", "工单"}},
    {"info", {"Information", "补充信息"}},
    {"system", {"System or folder", "系统或目录"}},
    {"reason", {"Reason", "原因"}},
    {"software", {"Software", "软件"}},
    {"item", {"Item", "物品"}},
    {"account", {"Account", "账号"}},
    {"change", {"Change", "变更内容"}},
    {"window", {"When", "时间"}},
};

const char *hd_slot_title(hd_lang lang, const char *slot)
{
    size_t i;

    for (i = 0; i < sizeof(slot_titles) / sizeof(slot_titles[0]); i++)
        if (strcmp(slot, slot_titles[i].slot) == 0)
            return slot_titles[i].title[lang];
    return slot;
}

const char *hd_status_title(hd_lang lang, const char *status)
{
    static const struct {
        const char *status;
        const char *title[HD_LANG_COUNT];
    } titles[] = {
        {"new", {"new", "新建"}},
        {"assigned", {"waiting for an agent", "待处理"}},
        {"in_progress", {"in progress", "处理中"}},
        {"pending", {"waiting", "等待中"}},
        {"resolved", {"resolved", "已解决"}},
        {"closed", {"closed", "已关闭"}},
        {"cancelled", {"cancelled", "已取消"}},
        {"reopened", {"reopened", "已重新打开"}},
    };
    size_t i;

    for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
        if (strcmp(status, titles[i].status) == 0)
            return titles[i].title[lang];
    return status;
}

void hd_duration_words(hd_lang lang, int64_t secs, int business, int64_t day_secs, char *buf,
                       size_t size)
{
    int zh = lang == HD_LANG_ZH;

    if (business && day_secs > 0 && secs >= day_secs && secs % day_secs == 0) {
        long days = (long)(secs / day_secs);

        if (zh)
            snprintf(buf, size, "%ld 个工作日", days);
        else
            snprintf(buf, size, "%ld business day%s", days, days == 1 ? "" : "s");
    } else if (secs >= 3600 && secs % 3600 == 0) {
        long hours = (long)(secs / 3600);

        if (zh)
            snprintf(buf, size, "%ld %s小时", hours, business ? "个工作" : "");
        else
            snprintf(buf, size, "%ld %shour%s", hours, business ? "business " : "",
                     hours == 1 ? "" : "s");
    } else {
        long minutes = (long)((secs + 59) / 60);

        if (zh)
            snprintf(buf, size, "%ld 分钟", minutes);
        else
            snprintf(buf, size, "%ld minute%s", minutes, minutes == 1 ? "" : "s");
    }
}
