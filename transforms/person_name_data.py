"""Word lists that tell the parts of a ФИО apart. Data only; see ``person_names``.

First names are the common ones of Russia and its neighbours (Russian, Tatar,
Bashkir, Kazakh, Uzbek, Caucasian) plus common Western ones in Latin letters, folded
(lower case, ё → е). A name missing here is still parsed by its position and endings.
"""

from __future__ import annotations

FIRST_NAMES: frozenset[str] = frozenset(
    """
александр алексей анатолий андрей антон аркадий арсений артем артур афанасий богдан борис вадим валентин
валерий василий вениамин виктор виталий владимир владислав всеволод вячеслав гавриил геннадий георгий герман
глеб гордей григорий давид даниил данила данил демид денис дмитрий евгений егор елисей емельян захар иван
игнат игорь илья иннокентий иосиф кирилл климент константин лаврентий лев леонид леонтий макар максим марк
матвей мирон михаил назар никита никифор николай олег остап павел петр платон прохор радик роберт родион
роман ростислав руслан савелий святослав семен серафим сергей станислав степан тарас тимофей тимур трофим
федор филипп эдуард эльдар юлиан юрий яков ян ярослав
александра алена алина алиса алла анастасия ангелина анжела анна антонина арина валентина валерия варвара
василиса вера вероника виктория виолетта галина дарина дарья диана ева евгения екатерина елена елизавета
жанна зинаида злата зоя инна ирина камилла карина кира клавдия кристина ксения лариса лидия лилия любовь
людмила майя маргарита марина мария марьям милана мирослава надежда наталья наталия нелли нина оксана
олеся ольга полина раиса регина римма роза светлана серафима снежана софия софья стефания таисия тамара
татьяна ульяна эвелина элина элла эльвира эмилия юлия яна ярослава
азат айдар айрат алмаз альберт ильдар ильнур ильшат ирек марат наиль нияз равиль радик ранис ренат ринат
рифат рустам рустем салават фарид фанис шамиль
альфия гульнара гульназ гульшат диляра зульфия ильмира ляйсан лейсан резеда розалия рузиля эльмира
айбек айдос алибек алмас арман асхат бауржан бахыт бекзат берик ерлан ержан ерболат жандос данияр дамир
дархан кайрат канат марлен мурат нурлан нурсултан санжар серик талгат тимур асель айгерим айгуль айдана
акмарал алия асем бота гульмира дана динара жанар жулдыз индира камила мадина сауле салтанат томирис
алишер азиз бахтиер бахтияр джамшид жамшид улугбек фарход шухрат шерзод отабек рустамжон дильноза
гулноза нигора феруза шахноза зарина севара мохира умида
ахмед али алиев магомед мухаммад мухаммед рашид рамиль рамазан заур тимурлан арсен ашот армен арам гор
тигран давит гоча зураб лейла лейли фатима аминат хадижат заира гаяне ануш нино тамар
john james michael david robert william thomas peter paul mark richard daniel andrew george stephen
steven christopher matthew anthony charles joseph brian kevin jason eric hans klaus stefan jan pierre
jean luca marco carlos jose ivan sergey sergei alexander alexey alexei dmitry dmitriy andrey andrei
mikhail nikolay nikolai vladimir pavel maxim igor oleg yuri yury denis roman artem anton
mary anna elizabeth sarah laura maria julia emma olivia sophia jennifer jessica linda susan karen
lisa nancy helen claire anne marie elena olga natalia natalya tatiana tatyana irina svetlana ekaterina
anastasia marina yulia julia ksenia
""".split()
)

# Endings of patronymics: Russian -ович/-евич/-ич, -овна/-евна/-ична/-инична, and their transliterations.
# Kazakh and Kyrgyz write theirs as one word: "Абишулы", "Нурланкызы".
MALE_PATRONYMIC_ENDINGS: tuple[str, ...] = ("ович", "евич", "ич", "ovich", "evich", "ich", "улы", "ұлы", "uly")
FEMALE_PATRONYMIC_ENDINGS: tuple[str, ...] = ("овна", "евна", "ична", "ovna", "evna", "ichna", "кызы", "қызы", "kyzy")
# Turkic patronymics are a father's name and a separate word: "Гейдар оглы", "Алиевна кызы".
MALE_PATRONYMIC_WORDS: frozenset[str] = frozenset({"оглы", "оглу", "улы", "уулу", "ogly", "oglu", "uly", "uulu"})
FEMALE_PATRONYMIC_WORDS: frozenset[str] = frozenset({"кызы", "гызы", "kyzy", "gyzy", "qizi"})

# Surname endings (Russian, Ukrainian, Belarusian, Caucasian, Turkic), folded, also transliterated.
SURNAME_ENDINGS: tuple[str, ...] = (
    "ов",
    "ова",
    "ев",
    "ева",
    "ин",
    "ина",
    "ын",
    "ына",
    "ский",
    "ская",
    "цкий",
    "цкая",
    "ской",
    "ой",
    "ых",
    "их",
    "енко",
    "ук",
    "юк",
    "ич",
    "швили",
    "дзе",
    "ян",
    "янц",
    "ov",
    "ova",
    "ev",
    "eva",
    "in",
    "ina",
    "sky",
    "skiy",
    "skii",
    "skaya",
    "enko",
    "yan",
    "shvili",
    "dze",
)

# Words around a name that are no part of it.
SALUTATIONS: frozenset[str] = frozenset(
    {"г-н", "г-жа", "гн", "госпожа", "господин", "mr", "mrs", "ms", "miss", "dr", "sir", "madam"}
)
# Particles that stay lower case inside a name.
NAME_PARTICLES: frozenset[str] = frozenset(
    MALE_PATRONYMIC_WORDS
    | FEMALE_PATRONYMIC_WORDS
    | {"ибн", "бин", "фон", "де", "ван", "van", "von", "de", "der", "da", "di", "la", "le", "bin", "ibn"}
)

# Job titles written as one abbreviation, keyed without dots, spaces and case.
POSITION_PHRASES: dict[str, str] = {
    "гендир": "Генеральный директор",
    "гендиректор": "Генеральный директор",
    "глбух": "Главный бухгалтер",
    "главбух": "Главный бухгалтер",
    "глбухгалтер": "Главный бухгалтер",
    "замгендир": "Заместитель генерального директора",
    "замгендиректора": "Заместитель генерального директора",
    "замдир": "Заместитель директора",
    "замдиректора": "Заместитель директора",
    "замнач": "Заместитель начальника",
    "замначальника": "Заместитель начальника",
    "замглбух": "Заместитель главного бухгалтера",
    "замглбухгалтера": "Заместитель главного бухгалтера",
    "комдир": "Коммерческий директор",
    "коммдир": "Коммерческий директор",
    "финдир": "Финансовый директор",
    "исполдир": "Исполнительный директор",
    "техдир": "Технический директор",
}
# The abbreviated first word of a title (written with a dot); later words keep their
# abbreviation, since their grammatical case is unknown ("зам. гл. бухгалтера").
POSITION_FIRST_WORDS: dict[str, str] = {
    "зам": "заместитель",
    "нач": "начальник",
    "рук": "руководитель",
    "гл": "главный",
    "ст": "старший",
    "мл": "младший",
    "вед": "ведущий",
    "ген": "генеральный",
    "ком": "коммерческий",
    "коммерч": "коммерческий",
    "тех": "технический",
    "фин": "финансовый",
    "исп": "исполнительный",
}
# Acronyms that stay in capitals when a title written in capitals is put in sentence case.
TITLE_ACRONYMS: frozenset[str] = frozenset(
    {
        "it",
        "hr",
        "pr",
        "ceo",
        "cfo",
        "cto",
        "coo",
        "cio",
        "ит",
        "ахо",
        "пто",
        "отк",
        "вэд",
        "омтс",
        "кип",
        "сми",
        "ук",
        "ооо",
        "ип",
        "ао",
        "зао",
        "пао",
        "оао",
        "рф",
        "снг",
        "b2b",
        "b2c",
    }
)
