"""Stop words for contact-reason labels, per language: en, es, fr, de, pt, it.

Written for labels, not for search: besides function words, each list holds greetings,
thanks, chat shorthand, months and weekdays (a label is never "oct" or "gracias").
Three kinds of word per language:

- :data:`STOP_WORDS`: never a label on their own, never the first or last word of a
  phrase (inside one they may be: "cambio *de* contraseña", "refund *not* received").
- :data:`NEGATIONS`: stop words that may open a phrase ("not working", "no funciona").
- :data:`WEAK_WORDS`: content words too vague for a label alone ("problem", "issue"),
  fine in a phrase ("login problem").
- :data:`AUXILIARIES`: forms of "be" and "do", left out of phrases altogether, and
  :data:`HAVE`, forms of "have" left out before a negation or an auxiliary, so that
  "refund has not been received" counts as "refund not received" and "colis n'est pas
  arrivé" as "colis pas arrivé" (while "not have a costume" keeps its verb).

Words are lower case, accents kept; a text's apostrophe contractions are split before
they are looked up (English "n't" becomes "not").
"""

from __future__ import annotations

__all__ = [
    "AUXILIARIES",
    "HAVE",
    "LANGUAGES",
    "NEGATIONS",
    "STOP_WORDS",
    "WEAK_WORDS",
    "stop_words",
]

_COMMON = """
hi hello hey hiya heya yo ok okay okey lol lmao lmfao rofl omg omfg wtf smh fyi btw imo
tbh idk pls plz plis thx thanx ty tysm xd xo xoxo haha hahaha jaja jajaja jeje mdr kkk
dm dms rt via amp gt lt
"""

_EN = """
a about above across after afterwards again against ago all almost alone along already
also although always am among amongst an and another any anybody anyhow anyone anything
anyway anyways anywhere are around as at back be became because become becomes been
before beforehand behind being below beside besides between beyond both but by can
cannot could couldn did do does doing done down due during each eg either else
elsewhere enough especially etc even ever every everybody everyone everything everywhere
except few for former formerly from further get gets getting go goes going gone gonna
got gotta gotten had has have having he hence her here hers herself him himself his how
however i ie if in indeed instead into is it its itself just keep kept least less let
lets like likely may maybe me meanwhile might mine more moreover most mostly much must
my myself namely neither nevertheless next nobody none noone nor nothing now nowhere of
off often on once one ones only onto or other others otherwise our ours ourselves out
over own per perhaps quite rather re really said same say says seem seemed seeming seems
several shall she should since so some somebody somehow someone something sometime
sometimes somewhere soon still such than that the their theirs them themselves then
thence there thereafter thereby therefore therein thereupon these they thing things this
those though through throughout thru thus to together too toward towards until up upon
us very was we well were what whatever when whence whenever where whereafter whereas
whereby wherein whereupon wherever whether which while whither who whoever whole whom
whose why will with within without would yet you your yours yourself yourselves
im ive id youre youve youll theyre weve isnt arent wasnt werent dont doesnt didnt hasnt
havent hadnt wont wouldnt couldnt shouldnt cant aint thats whats theres lets ya yall
u ur ure r ok k gonna wanna gotta kinda sorta tho thru cuz bc coz cos rn af asap
oh ah uh um hmm wow yay yeah yep yup nope nah yes sure
thanks thank thankyou please dear sir madam guys folks team everyone
today tonight tomorrow yesterday morning afternoon evening night week weekend weeks
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
fri sat sun january february march april june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec
want wanted wants need needed needs know knew knows think thought tell told ask asked
asking make made makes take took see saw look looking looks come came try tried trying
guess hope hoping wish let someone anyone anymore already actually literally finally
seriously currently regarding went come comes coming put give gave given giving find
found use used using many lot lots
"""

_EN_NEGATIONS = "not no never cannot"

_EN_WEAK = """
help helping helped problem problems issue issues question questions thing things stuff
way time times day days hour hours minute minutes lot bit people person reply response
answer anything something please
again still ever good great bad best worst new old last first right wrong real long
fuck fucking fuckin fucked shit shitty damn crap hell
"""

_ES = """
a al algo algun alguna algunas alguno algunos ante antes aqui aquí asi así aun aún
bajo bien cada casi como cómo con contra cual cuál cuales cuando cuándo cuanto de del
desde donde dónde dos durante e el él ella ellas ellos en entre era eran eres es esa
esas ese eso esos esta está estaba estado estais estamos estan están estar estas este
esto estos estoy fue fueron fui ha habia había han has hasta hay he hoy la las le les
lo los mas más me mi mí mis mismo mucho muy nada ni nos nosotros o os otra otro para
pero poco por porque pues que qué quien quién se sea ser si sí sido sin sobre son su
sus tal también tambien te tenia tenía tengo tiene tienen ti toda todas todo todos tu tú
tus un una uno unos usted ustedes vez voy y ya yo
hola buenas buenos dias días tardes noches gracias favor saludos porfa porfavor
ayuda ayer mañana manana semana lunes martes miércoles miercoles jueves viernes sábado
sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre
noviembre diciembre puedo pueden puede quiero quisiera hacer hago hace hacen hice hizo
hecho pasa
"""

_ES_NEGATIONS = "no nunca sin"

_ES_WEAK = "problema problemas pregunta consulta cosa tiempo servicio cliente"

_FR = """
a à ai aie aient ait alors as au aucun aujourd aussi autre aux avait avant avec avez
avoir avons ayant bien c ça car ce ceci cela celle celui ces cet cette chez comme
comment d dans de des deux dois doit donc du elle elles en encore est et étaient était
été être eu eux fait faire fais faut il ils j je jusqu l la le les leur leurs lui m ma
mais me même mes moi mon n ne ni nos notre nous on ont ou où par parce pas peu peut
peux plus pour pourquoi qu quand que quel quelle quelque qui s sa sans se ses si sinon
son sont sous suis sur t ta te tes toi ton toujours tous tout toute toutes très tu un
une vos votre vous vraiment y
bonjour bonsoir salut merci svp stp cordialement hui demain hier semaine lundi mardi
mercredi jeudi vendredi samedi dimanche janvier février fevrier mars avril mai juin
juillet août aout septembre octobre novembre décembre decembre veux voudrais
"""

_FR_NEGATIONS = "ne pas jamais sans aucun aucune"

_FR_WEAK = "problème probleme problèmes question aide service client chose temps"

_DE = """
aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei
beim bin bis bist da damit dann das dass daß dein deine dem den denn der des dich die
dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer
eines er es etwas euch euer für fur gegen gewesen hab habe haben hat hatte hatten hier
hin ich ihm ihn ihnen ihr ihre im in ins ist ja jede jedem jeden jeder jetzt kann kannst
können konnte machen man mein meine mich mir mit muss musste nach nicht noch nun nur ob
oder ohne schon sehr sein seine sich sie sind so soll sollte sondern über um und uns
unser unter vom von vor war waren warum was weil welche wenn wer werde werden wie wieder
will wir wird wo wurde würde zu zum zur
hallo danke bitte grüße gruesse gruß moin servus heute morgen gestern woche montag
dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz april mai juni
juli august september oktober november dezember
"""

_DE_NEGATIONS = "nicht kein keine keinen keiner nie ohne"

_DE_WEAK = "problem probleme frage hilfe service kunde sache zeit"

_PT = """
a à ao aos as às até com como da das de dela dele deles do dos e é ela elas ele eles em
entre era eram essa esse esta está estão estar este eu foi for foram há isso isto já
lhe mais mas me mesmo meu meus minha minhas muito na nas nem no nos nós o os ou para
pela pelas pelo pelos por porque qual quando que quem se sem ser seu seus sua suas só
também te tem têm tenho ter teu tu tua um uma umas uns você vocês vos
olá ola oi obrigado obrigada valeu bom boa dia tarde noite hoje amanhã amanha ontem
semana segunda terça quarta quinta sexta sábado domingo janeiro fevereiro março abril
maio junho julho agosto setembro outubro novembro dezembro quero posso pode fazer
"""

_PT_NEGATIONS = "não nao nunca sem nenhum nenhuma"

_PT_WEAK = "problema problemas pergunta ajuda serviço cliente coisa tempo"

_IT = """
a ad al alla alle allo agli ai anche ancora c che chi ci come con cosa cui da dal dalla
dalle dei del della delle dello di dove e è ed era erano essere fa fare gli ha hanno ho
i il in io la le lei li lo loro lui ma mi mia mie miei mio ne nei nel nella nelle noi
o per perché perche più piu poi può puo quale quando quella quelle quello questa queste
questo qui se sei si sia siamo sono su sua sue suo suoi sul sulla ti tra tu tua tuo un
una uno vi voi
ciao salve buongiorno buonasera grazie prego oggi domani ieri settimana lunedì martedì
mercoledì giovedì venerdì sabato domenica gennaio febbraio marzo aprile maggio giugno
luglio agosto settembre ottobre novembre dicembre voglio posso fatto
"""

_IT_NEGATIONS = "non mai senza nessun nessuno nessuna"

_IT_WEAK = "problema problemi domanda aiuto servizio cliente cosa tempo"


_AUXILIARIES = {
    "en": "am is are was were be been being do does did",
    "es": "es está están estaba estaban fue fueron sido",
    "fr": "est sont suis es était étaient été",
    "de": "ist sind bin bist war waren wird werden wurde",
    "pt": "é está estão estava foi foram sido",
    "it": "è sono sei era erano stato stata",
}
_HAVE = {
    "en": "has have had having",
    "es": "ha han he has hemos",
    "fr": "ai as avons avez ont",
    "de": "hat habe haben hatte hatten",
    "pt": "tem têm tenho",
    "it": "ha hanno ho",
}


def _words(*texts: str) -> frozenset[str]:
    return frozenset(word for text in texts for word in text.split())


NEGATIONS: dict[str, frozenset[str]] = {
    "en": _words(_EN_NEGATIONS),
    "es": _words(_ES_NEGATIONS),
    "fr": _words(_FR_NEGATIONS),
    "de": _words(_DE_NEGATIONS),
    "pt": _words(_PT_NEGATIONS),
    "it": _words(_IT_NEGATIONS),
}
"""Per language: the negations that may open a phrase."""

STOP_WORDS: dict[str, frozenset[str]] = {
    language: _words(_COMMON, words, _AUXILIARIES[language], _HAVE[language]) | NEGATIONS[language]
    for language, words in {
        "en": _EN,
        "es": _ES,
        "fr": _FR,
        "de": _DE,
        "pt": _PT,
        "it": _IT,
    }.items()
}
"""Per language: the words never at the edge of a label phrase (negations included)."""

WEAK_WORDS: dict[str, frozenset[str]] = {
    "en": _words(_EN_WEAK),
    "es": _words(_ES_WEAK),
    "fr": _words(_FR_WEAK),
    "de": _words(_DE_WEAK),
    "pt": _words(_PT_WEAK),
    "it": _words(_IT_WEAK),
}
"""Per language: content words too vague to be a label on their own."""

AUXILIARIES: dict[str, frozenset[str]] = {
    language: _words(words) for language, words in _AUXILIARIES.items()
}
"""Per language: forms of "be" and "do", left out of phrases."""

HAVE: dict[str, frozenset[str]] = {language: _words(words) for language, words in _HAVE.items()}
"""Per language: forms of "have", left out of phrases before a negation or an auxiliary."""

LANGUAGES: frozenset[str] = frozenset(STOP_WORDS)
"""The languages with stop words (ISO 639-1)."""


def stop_words(language: str = "en") -> frozenset[str]:
    """The stop words of ``language`` together with English's (texts mix in English words);
    English's alone for a language without a list."""
    english = STOP_WORDS["en"]
    return english | STOP_WORDS.get(language, frozenset())
