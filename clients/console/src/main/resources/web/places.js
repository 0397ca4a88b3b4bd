// Places the map can label without any map data: administrative centres of Guizhou's regions, approximate
// (to about 0.05 degrees), WGS84. Codes as the protocol writes them (GB/T 2260, trailing zero levels dropped).
window.EMCOMM_PLACES = {
  "52":     {zh: "贵州省", en: "Guizhou", lat: 26.80, lon: 106.80},
  "5201":   {zh: "贵阳市", en: "Guiyang", lat: 26.65, lon: 106.63},
  "5202":   {zh: "六盘水市", en: "Liupanshui", lat: 26.59, lon: 104.83},
  "5203":   {zh: "遵义市", en: "Zunyi", lat: 27.73, lon: 106.93},
  "5204":   {zh: "安顺市", en: "Anshun", lat: 26.25, lon: 105.95},
  "5205":   {zh: "毕节市", en: "Bijie", lat: 27.30, lon: 105.29},
  "5206":   {zh: "铜仁市", en: "Tongren", lat: 27.72, lon: 109.19},
  "5223":   {zh: "黔西南州", en: "Qianxinan", lat: 25.09, lon: 104.90},
  "5226":   {zh: "黔东南州", en: "Qiandongnan", lat: 26.58, lon: 107.98},
  "5227":   {zh: "黔南州", en: "Qiannan", lat: 26.26, lon: 107.52},
  "520102": {zh: "南明区", en: "Nanming", lat: 26.57, lon: 106.71},
  "520103": {zh: "云岩区", en: "Yunyan", lat: 26.62, lon: 106.71},
  "520111": {zh: "花溪区", en: "Huaxi", lat: 26.41, lon: 106.67},
  "520112": {zh: "乌当区", en: "Wudang", lat: 26.66, lon: 106.78},
  "520113": {zh: "白云区", en: "Baiyun", lat: 26.68, lon: 106.62},
  "520115": {zh: "观山湖区", en: "Guanshanhu", lat: 26.60, lon: 106.62},
  "520121": {zh: "开阳县", en: "Kaiyang", lat: 27.06, lon: 106.96},
  "520122": {zh: "息烽县", en: "Xifeng", lat: 27.09, lon: 106.74},
  "520123": {zh: "修文县", en: "Xiuwen", lat: 26.84, lon: 106.59},
  "520181": {zh: "清镇市", en: "Qingzhen", lat: 26.56, lon: 106.47}
};
